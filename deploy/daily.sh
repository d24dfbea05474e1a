#!/bin/sh
# The scheduled container (compose.yaml, service "scheduler"): runs the daily commands once when
# it starts and then every day at DAILY_AT (HH:MM in UTC, the container's clock; default 06:00).
# A plain loop rather than cron: no daemon, no crontab, its output is the container's log, and a
# restart simply runs the commands again, which is safe because each is idempotent
# (send-reminders sends each reminder once; apply-retention deletes what is due once).
# DAILY_COMMANDS lists clusterlabel commands, separated by spaces. A failing command is logged
# and the others still run; the loop goes on to the next day.
set -u

# As the container's first process the shell has no default reaction to SIGTERM: stop at once
# (docker stop), also in the middle of the day's sleep.
sleeper=""
stop() {
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
    echo "daily: stopped"
    exit 0
}
trap stop TERM INT

at="${DAILY_AT:-06:00}"
commands="${DAILY_COMMANDS:-send-reminders apply-retention}"

if ! date -u -d "today $at" +%s >/dev/null 2>&1; then
    echo "daily: DAILY_AT must be a time of day such as 06:00; got '$at'" >&2
    exit 2
fi

while :; do
    for command in $commands; do
        echo "daily: clusterlabel $command"
        clusterlabel "$command" || echo "daily: clusterlabel $command failed (exit status $?)" >&2
    done
    now=$(date -u +%s)
    next=$(date -u -d "today $at" +%s)
    if [ "$next" -le "$now" ]; then
        next=$((next + 86400))
    fi
    echo "daily: next run at $(date -u -d "@$next" '+%Y-%m-%d %H:%M') UTC"
    sleep $((next - now)) &
    sleeper=$!
    wait "$sleeper"
    sleeper=""
done
