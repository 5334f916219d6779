"""The meeting pack (issue 13): a meeting's basis (or any version) as a PDF and as slides.

`content.pack_content` reads what the pack says, once; `pdf.pack_pdf` and `pptx.pack_pptx`
draw it; `charts` renders the pages' own Altair charts without a browser, in vl-convert's
engine that `engine` warms in a child process while the data is read.
"""
