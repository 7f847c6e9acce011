"""Running the reporting: setting up units and people, publishing forms, consolidating results.

Admins import units and people from CSV files, invite people, and publish form templates
(our YAML or an XLSForm workbook) from the command line or by sending the file to the bot.
Coordinators see who filed (`/tinhhinh`), read a unit's answers (`/xem`), reopen a report
(`/mo`) and get the consolidated figures with an .xlsx workbook, a .docx report and a PNG
chart (`/tonghop`, `reportbot report`). `chat.install(host)` and `cli.register(commands)`
plug all of it into the bot.

Layout (checked by the `coordination-layout` import contract): `people/`, `publishing/` and
`reporting/` never import each other; `texts`, `roles` and `audit` serve all three.
"""
