"""People and units: CSV imports of units and people, invites, finding a unit or role named in
a command. Imports nothing from `publishing` or `reporting`."""
