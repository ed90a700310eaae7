"""A `python -m edge` stopped with SIGTERM gives up its inbox lease on the way out: the messages it still held
(Rasa unreachable for it) are taken over by another instance at once, not after the lease runs out."""
import signal

from support import Telegram, edge_environment, free_port, start_edge_process, stop, wait_until


def test_a_stopped_edge_hands_its_messages_over_at_once(rasa, standins, redis_prefix, redis_client, chat_id,
                                                        tmp_path, edge):
    port = free_port()
    env = edge_environment(f"http://127.0.0.1:{free_port()}", standins, redis_prefix, port,
                           CONNECTORS_INBOX_LEASE_S="60")  # a lease the takeover could not wait for
    process = start_edge_process(env, tmp_path / "edge-term.log")
    try:
        telegram = Telegram(f"http://127.0.0.1:{port}", standins)
        for n in (1, 2):
            assert telegram.post(telegram.update(chat_id, text=f"count {n}")).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0
    finally:
        stop(process)
    assert telegram.wait_texts(chat_id, 2, timeout=20) == ["count 1", "count 2"]
    wait_until(lambda: not redis_client.exists(f"{redis_prefix}inbox:conv:tg:{chat_id}"), 10, "inbox emptied")
    assert [e["text"] for e in rasa.user_events(f"tg:{chat_id}")] == ["count 1", "count 2"]
