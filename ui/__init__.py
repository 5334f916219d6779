"""What the pages share: the data they read, the filters, tables, charts and the router.

These modules live outside `app_pages/`, the folder of page files, so that nothing in that
folder is anything but a page (see app.py for why the folder is not called `pages/`).
"""
