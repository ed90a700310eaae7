"""Removed (issue #18 phase 2): the channels are the edge's (`edge/`), the shared channel rules are `minwon_core`.

Only two re-exports remain, for tests/actions/test_texts_catalogue.py, which still imports
`connectors.segments` and `connectors.sms_keywords` (that suite is edited by others). Delete this package once
it imports `minwon_core.segments` and `minwon_core.sms_keywords`; nothing else may import it.
"""
