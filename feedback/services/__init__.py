"""Every change to a practice issue: one function, one transaction, one IssueEvent."""
