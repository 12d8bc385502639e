"""Exports prepared in the background: a register or the "State of the loop" report is asked
for on the page (asking), built by the worker with the filters and the visibility of the
person who asked (preparing), kept for EXPORT_RETENTION_DAYS and downloaded only by them
(sweeps). A meeting paper of a long agenda (forums.papers) is prepared the same way."""
