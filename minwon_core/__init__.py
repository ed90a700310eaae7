"""Channel rules that both Python environments must apply identically; stdlib only (Python 3.10 and 3.11).

Why it exists: the channel edge (`edge/`, Python 3.11, `.venv`) and Rasa's internal turn channel
(`minwon_rasa/internal_channel.py`, Python 3.10, `.venv-rasa`) each check what a citizen sent. When each kept
its own copy, the two drifted (the edge took `tg:-100…` group ids that Rasa refused). Here is the one copy
both import, as `minwon_logs` is for logs:

- `channel_text`: `/` neutralising, the conversation id forms (`tg:`, `sms:`, `web:`), text that can be
  stored and sent (no lone surrogates);
- `internal_settings`: the internal turn channel's token and Rasa's way back to the edge (Rasa side only);
- `segments`: SMS segment arithmetic (GSM-7 / UCS-2), also what the actions' texts are measured with;
- `sms_keywords`: the carrier keywords (STOP, HELP, ...) and their answers;
- `language`: how mixed Korean and English text is weighed (the NLU's language entity and the actions' slot).

Nothing here may import Rasa, aiohttp or anything outside the standard library.
"""
