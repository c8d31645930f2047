"""Plan: what a deploy of the compiled template will change in the live endpoint.

Drift and plan are the same comparison read in two directions. Drift asks "what changed
behind the design's back?"; plan asks "what will deploying the design change?". Both run the
one drift pipeline (normalisation tables, field names, severities, value spellings), so a
field Azure fills in is noise for neither; plan then orders the differences the way the
template applies them and adds the hazards of applying them (`iac_gen.plan.hazards`).
"""
