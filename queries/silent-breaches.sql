-- Every breached clock with no escalation before its deadline, oldest first.
SELECT ticket, kind, severity, start, deadline, engineer, week
FROM breaches
WHERE NOT escalated_before_deadline
ORDER BY start
