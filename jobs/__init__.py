"""What runs without a person pressing something (docs/architecture.md, "jobs/"):

    outbox.py     delivering the outbox: claim due rows, render each at send time, send, record
    renderers.py  the renderer table: every kind of queued post, rendered from current data
    digests.py    claim -> build -> post -> record, for each digest period owed
    schedule.py   the scheduled work, all of it; bot/clock.py runs it in the clock process

jobs/ sits on messages/ and store/ (faces and kernel) and never imports bot/ or handlers/:
bot/ builds the Slack client and hands it in.
"""
