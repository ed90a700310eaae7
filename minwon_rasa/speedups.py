"""Runtime fixes of Rasa 3.6 that cost every turn, applied once when minwon_rasa is imported.

Rasa checks each action-server response with `jsonschema.validate(result, spec)`, which builds and
checks a validator for the whole event schema on every call: 48-64 ms per action call on this machine,
against 0.2 ms with a validator built once (measured with bench/turns.py: a status turn went from
152 ms to 50 ms p50). The check itself stays; only the validator is reused.

Rasa also finds the class of every stored event by walking all subclasses of `Event` (recursively, with an
`inspect.isabstract` check each) each time it deserialises one: with trackers loaded every turn, ~10% of a
turn's CPU. The type name -> class map is now kept, and rebuilt on a miss (a subclass imported later).

Every call to the action server (three or four a turn) opened a new aiohttp session, so a new TCP connection,
and encoded the whole tracker with the standard library's json. Calls now share one keep-alive session per
event loop and encode with ujson (a Rasa dependency already; Sanic decodes with it on the other side). Idle
connections are dropped after 3 s, before the action server's (Sanic: 5 s) or HAProxy's (10 s) keep-alive
ends, so a request is never sent on a connection the server is closing.

Every action call also sent the whole conversation: each event turned into a dict and the lot into JSON,
again for every call (two or three a turn, the conversation growing). Each event's JSON is now made once and
kept on the event (made again if its entities or metadata change), and the call's JSON is the rest of the
tracker with the kept pieces put in place; the action server reads the same document.

Rasa runs the global slot validation action (`action_validate_slot_mappings`) after slot extraction at the
start of each turn, and again when a form activates in the same turn, even when the second extraction found
nothing; each time it also rebuilds the tracker from all its events. The second call is skipped when it has
nothing to validate (no slot extracted) and the action already ran for this user message. Our action
(actions/pending.py) keeps the language and retries a kept request: running it twice in one turn only repeated
a govapi call. And it is not called at all when it has nothing to do (minwon_rasa/turn_start_gate.py): on most
turns the language is unchanged and nothing is kept.

RulePolicy matches rules against the conversation by walking every past state (the whole conversation, not
just the longest rule's length) and parsing each candidate rule's JSON key again for every state: cost grew
with conversation length times the number of rules. Parsed keys are now kept, and the walk stops once it is
past the longest candidate rule (every rule applies trivially there, as in Rasa's own check), so the result
is the same.

`applied_events()` (the events not undone) walks the whole conversation, with an abstract-class isinstance check
per event, each time it is asked: a dozen times a turn, a third of the policies' time. Events are only
appended, so the walk is resumed from where it stopped for the same tracker, unless a form name appears that
the events before had not used (Rasa's walk treats every earlier run of a form by the names of all forms in
the conversation): then it walks from the start, as Rasa does.

The model's graphs (NLU and policies) ran through dask's scheduler, which orders the graph anew on each call:
a sixth of the prediction time. For the prediction graph (not training) the nodes now run in one topological
order computed once per set of targets, each node called exactly as dask calls it.

Each policy prediction (three to five a turn, some twice) turns the conversation into its list of past
states by replaying every event from the start: ~0.9 ms for a ten-turn conversation, growing with its length.
Within a turn the tracker only gains events, so the replay is kept on the tracker object and resumed from
where it stopped when the events before are the same objects; otherwise (an undo, a restart, a form's
repeated run folded away by `applied_events`) the states are built from scratch, as Rasa does.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

logger = logging.getLogger(__name__)
_applied = False
# Rasa's own functions that were replaced, by "Class.method" (tests compare the two on the same input).
ORIGINALS: Dict[Text, Any] = {}


def apply() -> None:
    """Applies every fix once; MINWON_RASA_SPEEDUPS=off leaves Rasa as shipped (bench/load.py's stock run)."""
    global _applied
    if _applied or os.environ.get("MINWON_RASA_SPEEDUPS", "").lower() in ("off", "0", "false", "no"):
        return
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    check = response_checker(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
        try:
            check(result)
        except ValidationError as error:
            error.message += ". Failed to validate Action server response from API."
            raise
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    _cache_event_types()
    _reuse_endpoint_sessions()
    _encode_each_event_once()
    _validate_slot_mappings_once_per_message()
    _match_rules_without_reparsing()
    _resume_past_states()
    _resume_applied_events()
    _run_prediction_graphs_in_order()
    _applied = True


def response_checker(spec: Dict[Text, Any]) -> Any:
    """Checks an action-server response against Rasa's schema, as `jsonschema.validate(result, spec)` does.

    The schema says each event matches exactly one of 23 alternatives (`oneOf`), told apart by the constant
    `event` name; checking all 23 for each event cost ~0.8 ms per response. Each event is checked against
    its own alternative only (the others fail on the name anyway), with validators built once.
    """
    import copy

    from jsonschema import ValidationError, validators

    item_schema = spec["properties"]["events"]["items"]
    alternatives = item_schema.get("oneOf") or []
    names = [alt.get("properties", {}).get("event", {}).get("const") for alt in alternatives]
    if not alternatives or None in names or len(set(names)) != len(names):  # not the shape we know: plain check
        whole = validators.validator_for(spec)(spec)
        return whole.validate
    base = {key: value for key, value in item_schema.items() if key != "oneOf"}
    outer = copy.deepcopy(spec)
    outer["properties"]["events"]["items"] = base
    make = validators.validator_for(spec)
    outer_validator = make(outer)
    by_name = {name: make({"allOf": [base, alt]}) for name, alt in zip(names, alternatives)}

    def check(result: Any) -> None:
        outer_validator.validate(result)
        for event in (result.get("events") or []) if isinstance(result, dict) else []:
            validator = by_name.get(event.get("event"))
            if validator is None:
                raise ValidationError(f"{event.get('event')!r} is not a known event")
            validator.validate(event)

    return check


def _cache_event_types() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    by_name: Dict[Text, Any] = {}

    def resolve_by_type(type_name: Text, default: Any = None) -> Any:
        found = by_name.get(type_name)
        if found is None:
            by_name.clear()
            for cls in all_subclasses(Event):
                by_name.setdefault(cls.type_name, cls)  # first match wins, as in Rasa's loop
            found = by_name.get(type_name)
        return found if found is not None else original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


CLIENT_KEEPALIVE_S = 3.0


def _reuse_endpoint_sessions() -> None:
    import asyncio
    import os
    import ssl

    import aiohttp
    import ujson
    from aiohttp import ContentTypeError
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    sessions: Dict[Any, aiohttp.ClientSession] = {}

    def dumps(value: Any) -> str:
        return _dumps_with_encoded_events(value)

    def shared_session() -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = sessions.get(loop)
        if session is None or session.closed:
            for other in [key for key in sessions if key.is_closed()]:
                sessions.pop(other, None)  # sessions of finished loops (tests, `rasa test`)
            connector = aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEPALIVE_S, limit=0)
            session = sessions[loop] = aiohttp.ClientSession(connector=connector, json_serialize=dumps)
        return session

    async def request(self: EndpointConfig, method: Text = "post", subpath: Optional[Text] = None,
                      content_type: Optional[Text] = "application/json", compress: bool = False,
                      **kwargs: Any) -> Optional[Any]:
        """Rasa's EndpointConfig.request (same arguments, answers and errors) on the shared session."""
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                if self.basic_auth else None)
        sslcontext = None
        if self.cafile:
            if not os.path.exists(self.cafile):
                from rasa.shared.exceptions import FileNotFoundException
                raise FileNotFoundException(f"Failed to find certificate file, "
                                            f"'{os.path.abspath(self.cafile)}' does not exist.")
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        timeout = kwargs.pop("timeout", None) or aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT)
        async with shared_session().request(
            method, concat_url(self.url, subpath), headers=headers, params=self.combine_parameters(kwargs),
            compress=compress, ssl=sslcontext, auth=auth, timeout=timeout, **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason, await response.content.read())
            try:
                return await response.json(loads=ujson.loads)
            except ContentTypeError:
                return None

    EndpointConfig.request = request  # type: ignore[method-assign]


def _validate_slot_mappings_once_per_message() -> None:
    from rasa.core.actions.action import ActionExtractSlots

    from minwon_rasa import turn_start_gate
    from rasa.shared.core.events import SlotSet

    original = ActionExtractSlots._execute_validation_action
    marker = "_minwon_slot_mappings_validated_for"

    async def _execute_validation_action(self: ActionExtractSlots, extraction_events: List[Any], output_channel: Any,
                                         nlg: Any, tracker: Any, domain: Any) -> List[Any]:
        message = tracker.latest_message
        extracted = any(isinstance(event, SlotSet) for event in extraction_events)
        if not extracted and message is not None and getattr(tracker, marker, None) is message:
            return []
        if not turn_start_gate.needs_call(tracker, extraction_events):
            # What the call would give when the action returns no events: the extracted slots.
            return [event for event in extraction_events if isinstance(event, SlotSet)]
        events = await original(self, extraction_events, output_channel, nlg, tracker, domain)
        setattr(tracker, marker, message)
        return events

    ActionExtractSlots._execute_validation_action = _execute_validation_action  # type: ignore[method-assign]


def _match_rules_without_reparsing() -> None:
    import json

    from rasa.core.policies.rule_policy import RulePolicy

    reversed_states: Dict[Text, List[Any]] = {}  # rule key -> its states, latest first (read only)

    def rule_states_latest_first(rule_key: Text) -> List[Any]:
        found = reversed_states.get(rule_key)
        if found is None:
            found = reversed_states[rule_key] = list(reversed(json.loads(rule_key)))
        return found

    def _is_rule_applicable(self: RulePolicy, rule_key: Text, turn_index: int, conversation_state: Any) -> bool:
        rule_states = rule_states_latest_first(rule_key)
        if turn_index >= len(rule_states):
            return True
        current_previous_action = conversation_state.get("prev_action")
        rule_previous_action = rule_states[turn_index].get("prev_action")
        if not rule_previous_action and not current_previous_action:
            return True
        if not rule_previous_action or not current_previous_action:
            return False
        return self._does_rule_match_state(rule_states[turn_index], conversation_state)

    def _get_possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: List[Any]) -> Any:
        possible_keys = set(lookup.keys())
        longest = max((len(rule_states_latest_first(key)) for key in possible_keys), default=0)
        for i, state in enumerate(reversed(states)):
            if i >= longest or not possible_keys:
                break  # beyond every rule: Rasa's loop would keep all that are left
            possible_keys = {key for key in possible_keys if self._is_rule_applicable(key, i, state)}
        return possible_keys

    ORIGINALS["RulePolicy._get_possible_keys"] = RulePolicy._get_possible_keys
    RulePolicy._is_rule_applicable = _is_rule_applicable  # type: ignore[method-assign]
    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]


class _Replay:
    """Where the states replay of one tracker stopped (rasa.shared.core.domain.states_for_tracker_history)."""

    def __init__(self, replay_tracker: Any) -> None:
        self.tracker = replay_tracker  # a copy of the tracker with the events so far applied
        self.events: List[Any] = []  # the applied events replayed (the same objects as the tracker's)
        self.states: List[Any] = []
        self.last_ml_action_sub_state: Any = None
        self.turn_was_hidden = False


def _resume_past_states() -> None:
    from rasa.shared.core.constants import PREVIOUS_ACTION
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    original = ORIGINALS["Domain.states_for_tracker_history"] = Domain.states_for_tracker_history
    cache_attribute = "_minwon_states_replays"

    def step(domain: Domain, replay: _Replay, tr: Any, hide_rule_turn: bool, states: List[Any],
             omit_unset_slots: bool, ignore_rule_only_turns: bool, rule_only_data: Any) -> None:
        """One iteration of Rasa's loop, the loop's variables kept in `replay`."""
        if ignore_rule_only_turns:
            if not replay.turn_was_hidden:
                replay.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                replay.turn_was_hidden = hide_rule_turn
            if replay.turn_was_hidden:
                return
        state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if replay.last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = replay.last_ml_action_sub_state
        states.append(domain._clean_state(state))

    def states_for_tracker_history(self: Domain, tracker: Any, omit_unset_slots: bool = False,
                                   ignore_rule_only_turns: bool = False,
                                   rule_only_data: Optional[Dict[Text, Any]] = None) -> List[Any]:
        if type(tracker) is not DialogueStateTracker:  # training trackers cache their own states
            return original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        applied = tracker.applied_events()
        replays = tracker.__dict__.setdefault(cache_attribute, {})
        key = (id(self), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data))
        replay = replays.get(key)
        done = len(replay.events) if replay is not None else 0
        if replay is None or done > len(applied) or any(a is not b for a, b in zip(replay.events, applied)):
            replay = replays[key] = _Replay(tracker.init_copy())
            done = 0
        for event in applied[done:]:  # generate_all_prior_trackers, resumed
            if isinstance(event, ActionExecuted):
                step(self, replay, replay.tracker, event.hide_rule_turn, replay.states, omit_unset_slots,
                     ignore_rule_only_turns, rule_only_data)
            replay.tracker.update(event)
        replay.events = list(applied)
        # The final state (after the latest event) changes with the next event: computed each time, not kept.
        states = list(replay.states)
        kept = (replay.last_ml_action_sub_state, replay.turn_was_hidden)
        step(self, replay, replay.tracker, False, states, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        replay.last_ml_action_sub_state, replay.turn_was_hidden = kept
        return states

    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


class _AppliedWalk:
    """Where the applied-events walk of one tracker stopped."""

    def __init__(self, events: Any, count: int, last: Any, loops: Any, applied: List[Any]) -> None:
        self.events = events  # the tracker's deque (a tracker given a new deque starts over)
        self.count = count  # events walked
        self.last = last  # the last event walked (the same object must still be there)
        self.loops = loops  # form names of the walked events
        self.applied = applied


def _resume_applied_events() -> None:
    import itertools

    from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Restarted, SessionStarted,
                                         UserUtteranceReverted, UserUttered)
    from rasa.shared.core.trackers import DialogueStateTracker

    original = ORIGINALS["DialogueStateTracker.applied_events"] = DialogueStateTracker.applied_events
    attribute = "_minwon_applied_walk"

    def walk(tracker: DialogueStateTracker, new_events: Any, loops: Any, applied: List[Any]) -> List[Any]:
        """Rasa's loop body (DialogueStateTracker.applied_events) over `new_events`, continuing `applied`."""
        for event in new_events:
            if isinstance(event, (Restarted, SessionStarted)):
                applied = []
            elif isinstance(event, ActionReverted):
                tracker._undo_till_previous(ActionExecuted, applied)
            elif isinstance(event, UserUtteranceReverted):
                tracker._undo_till_previous(UserUttered, applied)
                tracker._undo_till_previous(ActionExecuted, applied)
            elif (isinstance(event, ActionExecuted) and event.action_name in loops
                  and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
                tracker._undo_till_previous_loop_execution(event.action_name, applied)
            else:
                applied.append(event)
        return applied

    def applied_events(self: DialogueStateTracker) -> List[Any]:
        if type(self) is not DialogueStateTracker:
            return original(self)
        events = self.events
        count = len(events)
        state: Optional[_AppliedWalk] = self.__dict__.get(attribute)
        if (state is not None and state.events is events and state.count <= count
                and (state.count == 0 or events[state.count - 1] is state.last)):
            new_events = list(itertools.islice(events, state.count, count))
            new_loops = {e.name for e in new_events if isinstance(e, ActiveLoop) and e.name}
            if new_loops <= state.loops:
                state.applied = walk(self, new_events, state.loops, state.applied)
                state.count, state.last = count, (events[-1] if count else None)
                return list(state.applied)
        loops = {e.name for e in events if isinstance(e, ActiveLoop) and e.name}
        applied = walk(self, list(events), loops, [])
        self.__dict__[attribute] = _AppliedWalk(events, count, events[-1] if count else None, loops, applied)
        return list(applied)

    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]


def _run_prediction_graphs_in_order() -> None:
    from rasa.engine import loader
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    class OrderedGraphRunner(DaskGraphRunner):
        """DaskGraphRunner whose `run` calls the nodes in a topological order kept per set of targets."""

        def run(self, inputs: Optional[Dict[Text, Any]] = None,
                targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
            run_targets = list(targets) if targets else list(self._graph_schema.target_names)
            plans = self.__dict__.setdefault("_minwon_plans", {})
            plan = plans.get(tuple(run_targets))
            if plan is None:
                plan = plans[tuple(run_targets)] = _plan(self._graph_schema.minimal_graph_schema(run_targets))
            # As dask sees them: an input is the task-less tuple (name, value), a node's result (name, output).
            values: Dict[Text, Any] = {}
            for name, value in (inputs or {}).items():
                if isinstance(value, str) and value in self._graph_schema.nodes:  # Rasa's check
                    raise GraphRunError(f"Input value '{value}' clashes with a node name.")
                values[name] = (name, value)
            try:
                for name, needs in plan:
                    values[name] = self._instantiated_nodes[name](*(values[need] for need in needs))
            except RuntimeError as error:
                raise GraphRunError("Error running runner.") from error
            return dict(values[target] for target in run_targets)

    def _plan(schema: Any) -> List[Any]:
        """(node, the names it needs in order), every node after those it needs (depth first, stable)."""
        order: List[Any] = []
        done: Dict[Text, bool] = {}

        def visit(name: Text) -> None:
            if done.get(name):
                return
            needs = list(schema.nodes[name].needs.values())
            for need in needs:
                if need in schema.nodes:
                    visit(need)
            done[name] = True
            order.append((name, needs))

        for name in schema.nodes:
            visit(name)
        return order

    original = ORIGINALS["loader.load_predict_graph_runner"] = loader.load_predict_graph_runner

    def load_predict_graph_runner(storage_path: Any, model_archive_path: Any, model_storage_class: Any,
                                  graph_runner_class: Any) -> Any:
        if graph_runner_class is DaskGraphRunner:
            graph_runner_class = OrderedGraphRunner
        return original(storage_path, model_archive_path, model_storage_class, graph_runner_class)

    loader.load_predict_graph_runner = load_predict_graph_runner


class _EncodedEvents(list):
    """The events of an action call, to be written from their kept JSON (see _dumps_with_encoded_events)."""


_EVENTS_PLACEHOLDER = "minwon-events-" + __import__("uuid").uuid4().hex
_EVENT_JSON = "_minwon_json"


def _event_json(event: Any) -> str:
    """The event's JSON (as `json.dumps(event.as_dict())` reads), made once per event."""
    import ujson

    entities = getattr(event, "entities", None)
    key = (len(event.metadata or {}), len(entities) if isinstance(entities, list) else -1)
    kept = event.__dict__.get(_EVENT_JSON)
    if kept is not None and kept[0] == key:
        return kept[1]
    text = ujson.dumps(event.as_dict(), ensure_ascii=False, escape_forward_slashes=False)
    event.__dict__[_EVENT_JSON] = (key, text)
    return text


def _dumps_with_encoded_events(value: Any) -> str:
    import ujson

    tracker = value.get("tracker") if isinstance(value, dict) else None
    events = tracker.get("events") if isinstance(tracker, dict) else None
    if not isinstance(events, _EncodedEvents):
        return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    tracker["events"] = _EVENTS_PLACEHOLDER
    try:
        text = ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)
    finally:
        tracker["events"] = events
    encoded = "[" + ",".join(_event_json(event) for event in events) + "]"
    return text.replace(f'"{_EVENTS_PLACEHOLDER}"', encoded, 1)


def _encode_each_event_once() -> None:
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    ORIGINALS["RemoteAction._action_call_format"] = RemoteAction._action_call_format

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> Dict[Text, Any]:
        """Rasa's request body, its events left as event objects for the shared session's JSON writer."""
        tracker_state = tracker.current_state(EventVerbosity.NONE)
        tracker_state["events"] = _EncodedEvents(tracker.events)
        result = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": tracker_state,
                  "version": rasa.__version__}
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
