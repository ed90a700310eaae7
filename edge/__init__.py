"""minwon's channel edge (issue #18): the public side of Telegram, Twilio SMS, the web chat and short links, on
Python 3.11 and aiohttp, in its own process. It reaches Rasa only through Rasa's internal turn channel
(edge/rasa_client.py).

Every channel follows one path: authenticate the webhook, de-duplicate, keep the message in the durable inbox
(Redis) and only then acknowledge, run one turn per message through Rasa in the order accepted per conversation
(across edge instances), then deliver the replies in the channel's own format (edge/formatting.py).
"""
