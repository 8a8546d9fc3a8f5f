-- Engineers whose time was logged on a later day than the work, week by week.
SELECT week, engineer, worklogs, late_logs, same_day_log_pct
FROM engineer_weekly
WHERE late_logs > 0
ORDER BY week, late_logs DESC
