"""Evidence reports: renderings of one drift (or lint) result document.

`registry.REPORTERS` lists the formats (json, md, html, sarif, junit); `redact` is the one
redaction pass every format applies; `manifest` hashes inputs and outputs for reviewers.
"""
