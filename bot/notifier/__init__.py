"""The notifier: tells citizens when their case moves, on the channel they chose (issue 6)."""
