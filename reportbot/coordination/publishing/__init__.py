"""Publishing form templates: checking a YAML or XLSForm file, the preview, storing a new
version, and the admin's upload dialog in the chat. Imports nothing from `people` or
`reporting`."""
