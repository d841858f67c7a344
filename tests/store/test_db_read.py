"""Database.read(): a read opened inside another on the same thread joins it."""

import threading


def test_a_read_inside_a_read_joins_it_and_other_threads_do_not(db):
    with db.read() as outer:
        with db.read() as inner:
            assert inner is outer
        thread_session = []

        def other_thread():
            with db.read() as s:
                thread_session.append(s)

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert thread_session and thread_session[0] is not outer
    with db.read() as after:
        assert after is not outer
