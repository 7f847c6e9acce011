"""The coordinators' web page: filing status, answers and report downloads without Google.

`extension.install(host)` adds the chat command that sends a sign-in link (``/web``, ``trang
web``) and the page's routes on the bot's web server, when `REPORTBOT_WEB_PUBLIC_URL` is set.
"""
