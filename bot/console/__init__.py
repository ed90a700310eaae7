"""The call-centre console: staff take over escalated conversations, answer on the citizen's channel, hand back."""
