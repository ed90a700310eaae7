"""File a complaint (국민신문고 style): description, category understood from the text and confirmed, place
(an address, or the location shared on Telegram), optional photo; then tracking number, department, deadline."""
from __future__ import annotations

import base64
import logging
import re
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import conversation as conv
from actions import pending
from actions.address import road_address_in
from actions.common import ask_what_to_change, early_end, then_offer_updates, yes_no_buttons
from actions.conversation import clear_form_slots
from actions.govapi_client import GovApiClient, Result, get_client
from actions.interpret import (PLACE_WORDS, SERVICE_INTENTS, Kind, Reading, about_other_tasks, asks, asks_about_options,
                               names_a_place, resumed_service, services_named)
from actions.parsing import is_no, is_yes, match_label, means_none, parse_choices, without_rejected
from actions.texts import N_, pick, text
from actions.turn_language import without_language_ask
from actions.verification import CLAUSE, VerifiedFormValidation

logger = logging.getLogger(__name__)

# Used when govapi's category list cannot be read; same codes and order as govapi, labels from the catalogue
# (fallback_categories() gives them in govapi's shape).
FALLBACK_CATEGORIES = [
    ("roads", N_("label_category_roads")),
    ("street_lighting", N_("label_category_street_lighting")),
    ("noise", N_("label_category_noise")),
    ("waste", N_("label_category_waste")),
    ("illegal_parking", N_("label_category_illegal_parking")),
    ("transport", N_("label_category_transport")),
    ("parks", N_("label_category_parks")),
    ("staff_conduct", N_("label_category_staff_conduct")),
    ("proposal", N_("label_category_proposal")),
    ("other", N_("label_category_other")),
]
# Words that point at a category. The category with the most different words in the description wins; a tie goes to
# the one listed first ("a car parked on the sidewalk" names parking and roads once each: parking).
# What a complaint is about (a proposal, staff or other say what kind of message it is, not its subject).
SUBJECTS = frozenset({"roads", "street_lighting", "noise", "waste", "illegal_parking", "transport", "parks"})
KEYWORDS = [
    ("street_lighting", r"가로등|보안등|전등|조명|불이\s*(꺼|안\s*들어|나갔|나감)|깜빡|street\s*-?lights?|lamp\s*-?posts?|"
                        r"\blamps?\b|lighting|\blights? (is |are )?(out|off|broken|flicker)|"
                        # "the street lamp … has been out for a week, the whole block is pitch dark"
                        r"\b(has been|have been|is|are|went|gone) out\b|\bpitch[- ]?(black|dark)\b|\bdark\b|어두워|어둡|깜깜|캄캄"),
    ("illegal_parking", r"불법\s*주(정)?차|주(정)?차|\bpark(s|ed|ing)? illegal(ly)?\b|\billegal(ly)? park|차(를|가)?\s*(대|세워|막고)|견인|parking|parked|double.?park|"
                        r"blocking (my|the|our) (driveway|garage|gate|entrance)|hydrant|소화전|"
                        r"\b(car|truck|van|vehicle)s? (that'?s |that has |has |have |is |are )?(been )?(block|left|abandon)|"
                        r"\bpark(s|ed|ing)? (on|in front of|across|over) (the |my |our )?(sidewalk|pavement|crosswalk|driveway|"
                        r"footpath|road|street|corner)"),
    ("roads", r"포트홀|파손|패인|패여|패였|파여서|파였|움푹|울퉁불퉁|아스팔트|(길|도로|인도)[이가]?\s*(다\s*)?(갈라|깨지|깨졌|꺼졌)|구멍|\bholes?\b|보도블|싱크홀|맨홀|빗물받이|배수구|하수구|침수|물바다|물이\s*고|pothole|crack|manhole|"
              r"\bdrains?\b|gutter|flood"),
    ("noise", r"소음|시끄|층간|공사\s*소리|소리\s*(때문|가\s*(너무|심|나)|나서|를\s*(너무|크게))|잠을\s*(못|설)|드릴|망치|쿵쿵|음악\s*소리|짖|확성기|noise|noisy|\bloud|drilling|hammering|"
              r"construction (noise|work)|construction (next door|site next|starts|begins)|(starts|begins|start) at [4-7]\s*(am|a\.m\.)|music|\bbark(s|ing|ed)?\b|banging|honking"),
    ("waste", r"쓰레기|투기|악취|냄새|재활용|음식물|몰래\s*버|버리고\s*(갔|가|감)|버려\s*(놓|두|져)|장롱|매트리스|폐가구|"
              r"waste|trash|garbage|rubbish|litter|dump|smell|stink|\bbins?\b|fly.?tip|mattress|old (sofa|furniture)"),
    ("transport", r"버스|지하철|정류장|택시|배차|\bbus(es)?\b|subway|train|metro|taxi|bus stop"),
    ("parks", r"공원|놀이터|벤치|산책로|\bparks?\b(?!\s+(on|in front|across|over|there|here|illegally))|playground|bench|trail"),
    ("staff_conduct", r"공무원|직원|불친절|민원실|담당자|staff|rude|clerk|officer|employee"),
    ("proposal", r"제안|건의|아이디어|있으면\s*좋겠|propos|suggest|\bidea\b|would be (nice|great)|"
                 r"should (add|install|build|put)"),
]
# Words that often say only where the problem is ("van parked on the pavement", "횡단보도 앞에 그늘막"): they point at
# roads at half weight.
WHERE_WORDS = [("roads", r"도로|인도|횡단보도|차선|\broads?\b|pavement|sidewalk|crosswalk|\blanes?\b")]
_categories_cache: Optional[List[Dict[str, Any]]] = None


async def categories() -> List[Dict[str, Any]]:
    global _categories_cache
    if _categories_cache is None:
        result = await get_client().complaint_categories()
        if result.ok and result.value.get("categories"):
            _categories_cache = result.value["categories"]
        else:
            return fallback_categories()
    return _categories_cache


def fallback_categories() -> List[Dict[str, Any]]:
    return [{"code": code, "label": {lang: text(key, lang) for lang in ("ko", "en")}}
            for code, key in FALLBACK_CATEGORIES]


# Words that something is wrong: a complaint tells a trouble, not only a place or a thing ("getting off the bus").
_TROUBLE = re.compile(r"(고장|안\s*(켜|돼|되|와|오|나와)|깨져|깨진|부서|망가|파손|패여|패인|구멍|시끄|소음|냄새|더러|쓰레기|불법|"
                      r"위험|막혀|막아|넘어|다쳤|불편|민원|신고|"
                      r"\bbroken\b|not working|does\s*n'?t work|\bout\b|damaged|pothole|\bholes?\b|crack|loud|noise|smell|"
                      r"dirty|rubbish|trash|garbage|illegal|dangerous|blocked|rude|never (came|comes|showed)|flood|leak|"
                      r"complain|report)", re.IGNORECASE)


def tells_trouble(message: str) -> bool:
    return bool(_TROUBLE.search(message or ""))


def problem_words(message: str) -> int:
    """How many different words of one category the message has: two or more describe a problem a complaint is for
    ("the bar downstairs plays loud music every night")."""
    return max(len({m.group(0).lower() for m in re.finditer(pattern, message or "", re.IGNORECASE)})
               for _, pattern in KEYWORDS)


_NOT = re.compile(r"\b(not|n't|isn'?t|wasn'?t)\b|n't\b", re.IGNORECASE)


def affirmed_category(message: str) -> Optional[str]:
    """The one category the message's clauses name without turning it down: "no not really the shouting, it's the
    trash" -> waste; "소음이 아니라 쓰레기 문제예요" -> waste; "no, it's not about trash" -> None."""
    found = set()
    for clause in re.split(r"[,.;!?]|\bbut\b|근데|하지만", message or ""):
        if clause.strip() and not _NOT.search(clause):
            found.add(guess_category(without_rejected(clause), []))
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def guess_category(message: str, entities: List[Dict[str, Any]]) -> Optional[str]:
    """The words' category first (what the citizen names most); NLU's entity only when no word points anywhere
    (the entity model tags 'pavement' as roads in "van parked on the pavement")."""
    tagged = [str(e["value"]) for e in entities if e.get("entity") == "complaint_category" and e.get("value")]
    def hits(pattern: str) -> int:
        return len({m.group(0).lower() for m in re.finditer(pattern, message or "", re.IGNORECASE)})

    # Where it happens tips a tie but never outweighs one word of what happened ("someone parks on the crosswalk
    # … walk around the car into the road": parking, not roads)
    where = {code: min(0.9, 0.5 * hits(pattern)) for code, pattern in WHERE_WORDS}
    scores = [(hits(pattern) + where.get(code, 0.0), -order, code) for order, (code, pattern) in enumerate(KEYWORDS)]
    best = max(scores)
    if best[0]:
        tied = [code for score, _, code in scores if score == best[0]]
        # A tie between the words goes to the one NLU tagged ("제안 … 횡단보도 앞에 그늘막": proposal, not roads)
        return next((code for code in tagged if code in tied), best[2])
    return tagged[0] if tagged else None


# No photo, said in other words than "없음" ("사진은 못 찍었어용", "사진x", "didn't take one").
_PHOTO_NOUN = r"(pic|photo|photograph|picture|image)s?\b"
# "사진은 따로 찍어 두지 못했습니다": the "not" after the verb, a word or two on.
_NOT_TAKEN = r"(못|안)\s*찍|찍(어|지|을)?\s*(\S+\s+)?(못|않)|찍은\s*(게|거|것)\s*없"
_NO_PHOTO = re.compile(r"(패스|스킵|넘어가|건너|\bpass\b|" + _NOT_TAKEN + r"|사진\s*(x|X|ㄴㄴ|노)\s*$|didn'?t (take|get|snap) (a |any |one)?|"
                       r"\bno " + _PHOTO_NOUN + r"|haven'?t (got )?(a|any) (pic|photo|picture)|don'?t have (a|any|one))",
                       re.IGNORECASE)


# Whether a photo is needed at all, asked where it is asked.
_PHOTO_NEEDED = re.compile(r"(사진|카메라|\bphoto|\bpicture|\bpic\b|\bcamera\b).*(꼭|반드시|필수|있어야|없으면|없어도|필요|"
                           r"\brequired\b|\bnecessary\b|\bneed\b|\bmust\b|\bhave to\b|\bmandatory\b|\boptional\b)|"
                           r"(꼭|반드시|\bdo i (need|have)\b|\bis it (required|necessary|a must)\b|\bmust i\b).*"
                           r"(사진|\bphoto|\bpicture|\bpic\b)", re.IGNORECASE)
# In a first message only words about the photo count ("no photo", "사진은 없어요"), never a bare "no".
_NO_PHOTO_SAID = re.compile(r"(\bno " + _PHOTO_NOUN + r"|사진\s*(은|이)?\s*(따로\s*|지금\s*|아직\s*|하나도\s*|딱히\s*)?(없|못\s*찍|안\s*찍|"
                            r"찍(어|지|을)?\s*(\S+\s+)?(못|않))|"
                            r"(don'?t|didn'?t|can'?t) (have|take|get) (a |any )?(pic|photo|picture))", re.IGNORECASE)
# A place told only roughly: from where the citizen lives ("저희 집 근처"), or near something unnamed ("그 큰 사거리
# 근처요"); with no number nobody at the office can find it.
_RELATIVE_PLACE = re.compile(r"((저희|우리|제|내)\s*집|동네|근처|부근|어딘가|쯤|집\s*(앞|근처|옆|뒤)|여기\s*(근처|앞)|"
                             r"\bnear\b|\baround\b|\bsomewhere\b|"
                             r"\bnear (my|our) (home|house|place|flat|apartment|building)\b|\baround here\b|\bnearby\b|"
                             r"\bin my (area|neighbou?rhood)\b|\bby my (home|house|place)\b|\boutside my (home|house|place)\b|"
                             # "it is further along the road": from the place given, by how much unsaid
                             r"\bfurther (along|up|down|on)\b|\b(along|down|up) the (road|street)\b|조금\s*더\s*(가서|가면|앞|위|아래)|"
                             r"더\s*(가서|가면))",
                             re.IGNORECASE)
_NOT_THIS_PLACE = re.compile(r"(\b(old|previous|former|wrong|other)\b|예전|이전|잘못|틀린|틀렸)", re.IGNORECASE)
_GO_ON = re.compile(r"(\b(file|submit|send) it\b|\bgo ahead\b|접수|진행|제출)", re.IGNORECASE)


def no_photo(message: str) -> bool:
    return means_none(message) or is_no(message) or bool(_NO_PHOTO.search(message or ""))


def _only_a_category(message: str) -> Optional[str]:
    """The category whose label is the whole message ("illegal parking", "불법주정차요"), or None."""
    said = re.sub(r"(이요|요|입니다|이에요|예요)$", "", re.sub(r"[\s.,!~·]+", "", (message or "").lower()))
    # "waste then", "소음으로 할게요": the choice made, with words that only say so
    plain = re.sub(r"((으로|로)(할게요?|할께요?|해주세요?|해요?|할래요?|하죠|요)?|then|please|pls|instead|iguess|itis|itsis)$", "", said)
    for option in fallback_categories():
        labels = [re.sub(r"[\s.,!~·]+", "", label.lower()) for label in option["label"].values()]
        if any(said and said == label for label in labels) or any(plain and plain == label for label in labels):
            return str(option["code"])
    return None


def _category_named(message: str, options: List[Dict[str, Any]]) -> Optional[str]:
    """A category the message names by its label ("roads", "공원"), or None."""
    for lang in ("ko", "en"):
        found = match_label(message, [pick(o.get("label"), lang) for o in options])
        if found is not None:
            return str(options[found]["code"])
    return None


# Words of a request to file a complaint that describe nothing ("민원 넣을게요", "I want to report something").
_ASKING_WORDS = re.compile(
    r"(민원|신고|불편|접수|제기|넣으려(고|구)?|넣을(게요|께요|래요)?|넣|하나|한\s*건|하는데요|는데요|하고\s*싶|싶어요|싶은데요?|할게요|할께요|하려(고|구)요?|하려는데요?|해\s*주세요|해주세요|"
    r"좀|부탁|드려요|드립니다|합니다|있어요|있는데요?|있어서|구청에?|시청에?|여기서|되나요|할\s*수|있나요|"
    # "민원접수 할라구요 운전하다 본건데", "건의사항 있어서 연락드려요": the asking and the background, no problem yet
    r"[가-힣]*라(구|고)요?|할려(구|고)요?|하려구요?|"
    # "불법주차 땜에 민원 넣을래": the kind and why the complaint, no problem told yet
    r"땜에|때문에|때매|때메|관련해서|관련|문제로|건으로|넣을래|할래|"
    # formal openings: "안녕하십니까 … 민원을 하나 접수하려고 하는데 먼저 여쭤볼 것이 있습니다", "Dear Sir, I wish to submit …"
    r"안녕하(세요|십니까)|여쭤\S*|여쭙\S*|물어볼|질문\S*|먼저|것이|있습니다|하려고|하는데|싶습니다|"
    r"\b(dear|sir|madam|wish|civil|kindly|hello|hi|good (morning|afternoon|evening))\b|"
    # "I should like to lodge a complaint, if this is the proper place to do so", "a hazard in my neighbourhood to the
    # district office": the asking, where it goes and where the citizen lives, no problem yet
    r"\b(should|shall|if|proper|so|lodge|neighbou?rhood|district|office|home)\b|국민신문고|같은\s*거|돼요|할게|있어서|연락\s*드\S*|문의\S*|사항|[가-힣]+다가?\s*(본|봤|보니)\S*|"
    r"\b(i|i'?d|i'?m|want|wanna|would|like|need|to|file|make|a|an|the|please|pls|can|could|you|help|me|with|my|"
    r"something|report|complaint|complain|compliant|about|submit|lodge|here|how|do|is|it|this|an?)\b)", re.IGNORECASE)


# Asking to file a complaint, or whether one can here ("i want to make complain to the city", "불편신고도
# 받아주시나요?"): with no kind of problem named, the words around it are background, not the description.
TO_FILE = re.compile(r"(\bi (really )?(want|need|would like|'?d like) to (make|file|submit|lodge|send|do|write)\b|"
                     r"\b(can|could|may) i (make|file|submit|lodge|send)\b|\bdo you (take|accept|handle)\b|"
                     r"받아\s*주(시나요|나요|세요|실\s*수)|받(나요|으시나요)|(접수|신고)\s*(는\s*)?(여기서\s*|여기\s*)?(도\s*)?(되나요|돼요\?|가능|할\s*수\s*있)|"
                     # "신고할게 있는데 여기서 할수 있나요": something to report, and whether it can be done here
                     r"(신고|민원)[가-힣]*\s*(있는데|있어서|있어요)\S*\s*(여기서|여기)\s*(도\s*)?(할\s*수|되나요|돼요|가능|하면\s*되))",
                     re.IGNORECASE)


def describes_problem(message: str) -> bool:
    """Whether the first message says what is wrong, beyond asking to file ("공사장 먼지때문에 창문을 못열어요
    민원넣을게요" does; "민원 넣고 싶어요" and "I want to report something" do not)."""
    rest = _words_beside_place(message, _ASKING_WORDS)
    return len([word for word in rest if len(word) >= 2 and not word.isdigit()]) >= 3


# "놀이터 고장난거 신고하려면 어떻게해요", "can i report something dangerous on the sidewalk": a question about filing,
# not yet the description, unless what is left of it tells the problem in several words.
_HOW_TO_FILE = re.compile(r"(\S*(하려면|할려면|하면)\s*(어떻게|어디|뭐)\S*|(어떻게|어디서)\s*(신고|접수|민원)\S*|"
                          r"\bhow (do|can|should|would) (i|we|you)( \w+)?\b|\b(can|could|may) (i|we) "
                          r"(report|file|make|submit|lodge|complain|send|post|leave|give|write|put)\b|\bis it possible to \w+\b|\bwhere (do|can) i\b)",
                          re.IGNORECASE)


# Saying that something is wrong without saying what ("something that needs fixing", "고쳐야 할 게 있어서요").
_UNTOLD = re.compile(r"(\bsomething (that )?(needs?|requires?) (fixing|to be (fixed|repaired|looked at)|repair(ing)?|attention)\b|"
                     r"\bsomething (that'?s |is )?(broken|wrong)\b|고쳐야\s*(할|될)\s*(게|거)|고칠\s*(게|거)\s*있|"
                     r"뭔가\s*(좀\s*)?(고장|이상))", re.IGNORECASE)


def tells_what_is_wrong(message: str) -> bool:
    """Whether a first message is a description the record can hold: more than a request naming a kind of problem
    ("complain noise", "i want make complain about bus", "쓰레기 민원이요") and more than a question about filing;
    then the description is asked for. "가로등이 안 켜져요" and "the streetlight on my street is out" are."""
    if _UNTOLD.search(message or "") and problem_words(message or "") == 0 \
            and not describes_problem(_UNTOLD.sub(" ", message or "")):
        return False  # "I want to report something that needs fixing in my street": that something is wrong, not what
    core = _HOW_TO_FILE.sub(" ", message or "")
    if core != (message or ""):
        # "I have a suggestion for the neighbourhood, can I send it here?": its kind, not yet what it is
        # ("there's a massive pothole near the bus stop, can I report it here?" tells it: the pothole counts)
        rest = _words_beside_place(core, _ASKING_WORDS)
        return len([word for word in rest if len(word) >= 2 and word.lower() not in _FILLER]) >= 3
    if describes_problem(core) or problem_words(core) >= 2:
        return True  # ("소화전 앞 불법주차 신고요": two words of the problem, though both name its kind)
    rest = _words_beside_place(_ORDER_WORDS.sub(" ", _category_words(core)), _ASKING_WORDS)
    # ("a problem in the park near my home": the kind and "a problem", not what it is)
    return any(len(word) >= 2 and word.lower() not in _FILLER for word in rest)


# Words that name no problem: function words, and the kind of thing announced ("a suggestion", "an issue").
_FILLER = frozenset({"for", "of", "have", "has", "got", "some", "there", "any", "our", "we", "suggestion", "idea",
                     "proposal", "issue", "problem", "thing", "neighbourhood", "neighborhood", "area", "제안", "건의",
                     "문제", "고장난거", "고장난게", "뭐"})


def _category_words(message: str) -> str:
    """The message without the words that name a kind of problem (whole words: "suggestion", not "ion" left)."""
    for _, pattern in KEYWORDS:
        message = re.sub(rf"[\w가-힣]*(?:{pattern})[\w가-힣]*", " ", message, flags=re.IGNORECASE)
    return message


_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+|(?<=는데)\s+|(?<=지만)\s+")
_ORDER_WORDS = re.compile(r"(부터|먼저|\bfirst\b)", re.IGNORECASE)


def complaint_part(message: str) -> str:
    """A first message without its sentences about another service, when it asks for one beside the complaint
    ("과태료도 내야 되고 민원도 하나 넣어야 되는데 민원부터 할게요. 동네 공원 벤치가 다 부서졌어요" -> the bench): a
    complaint's description in the record is about the complaint. The whole message when nothing can be split off."""
    if all(service == "file_complaint" for service in services_named(message)):
        return message
    kept = [part.strip() for part in _SENTENCE.split(message)
            if all(service == "file_complaint" for service in services_named(part))
            and _words_beside_place(_ORDER_WORDS.sub(" ", part), _ASKING_WORDS)]
    return " ".join(kept) if kept and describes_problem(" ".join(kept)) else message


# Words that say where, not what: what is left of a message without them and its address tells whether it
# describes anything ("its at the bus stop at 168 Hangang-daero" -> "bus": no).
_WHERE_WORDS = re.compile(r"(?<![a-z가-힣])(it'?s|its|is|it|at|the|in|on|near|by|located|right|just|place|location|address|"
                          r"장소|위치|주소|는|은|이|가|에|에서|요|이에요|예요|에요|입니다|이요|쪽|근처|앞|옆|뒤|건너편|바로)(?![a-z])",
                          re.IGNORECASE)


def only_a_place(message: str) -> bool:
    return road_address_in(message or "") is not None and len(_words_beside_place(message, PLACE_WORDS)) <= 2


def _words_beside_place(message: str, noise: "re.Pattern[str]") -> List[str]:
    """The words of a message without its road address, the words that say where, and `noise`."""
    place = road_address_in(message or "")
    rest = (message or "").replace(place, " ") if place else (message or "")
    rest = _NEAR_SOMETHING.sub(" ", rest)  # "학교앞", "우리집 근처에": where, not what
    return re.sub(r"[^\w가-힣]+", " ", _WHERE_WORDS.sub(" ", noise.sub(" ", rest))).split()


# Things a place is told by ("골목", "the bus stop", "in front of"); not "home", "집" or a word that merely ends in
# 로 or 리 ("빨리", "진짜로"), which a description says as often.
_LANDMARK = re.compile(r"(구청|시청|주민센터|복지센터|놀이터|병원|도서관|주차장|골목|횡단보도|빌라|상가|편의점|마트|은행|교회|성당|"
                       r"육교|터널|입구|앞|옆|뒤|근처|건너편|사거리|교차로|삼거리|출구|아파트|공원|학교|시장|정류장|[가-힣]역\b|"
                       r"\bstreet\b|\broad\b|avenue|station|corner|in front|\bparks?\b|school|"
                       r"building|\bshop\b|\bstore\b|market|bridge|crosswalk|crossing|alley|bus stop|playground|hospital|church|"
                       r"library|car park|parking lot|opposite|behind|next to|across from|entrance|\bexit\b|\bgate\b|"
                       r"-ro\b|-gil\b|-dong\b|-gu\b)", re.IGNORECASE)
_NEAR_SOMETHING = re.compile(r"[가-힣]+(앞|옆|뒤|근처|건너편)(에서|에|의)?(?![가-힣])")


class ValidateFileComplaintForm(VerifiedFormValidation):
    def name(self) -> Text:
        return "validate_file_complaint_form"

    def form_slots(self) -> List[Text]:
        return ["complaint_text", "complaint_category", "complaint_place", "photo_id", "complaint_confirm"]

    def own_services(self) -> List[Text]:
        return ["file_complaint"]

    def read(self, tracker: Tracker, requested: Text) -> Reading:
        reading = super().read(tracker, requested)
        message = conv.latest_text(tracker)
        if requested == "complaint_category" and reading.kind == Kind.QUESTION and reading.value in ("", None, "help") \
                and len(message.split()) >= 6 and not asks_about_options(message) \
                and describes_problem(_category_words(message)):
            # "Could you put a sunshade at the crosswalk in front of the school? The kids wait in the sun" after "I'd
            # like to make a suggestion": the proposal itself, put as a question; it tells what the complaint is
            return Reading(Kind.ANSWER)
        if requested == "photo_id" and reading.kind not in (Kind.PERSON, Kind.CANCEL, Kind.SWITCH) \
                and (asks(message) or "?" in message) \
                and _PHOTO_NEEDED.search(message) and not isinstance(conv.metadata(tracker).get("photo"), dict):
            # "사진 꼭 있어야 돼요? 지금 밖이 아니라서", "… without a camera. Is a photograph strictly required?": told it is
            # optional, then asked again (not taken as "no photo", nor as out of scope)
            return Reading(Kind.QUESTION)
        if requested == "complaint_place" and reading.kind == Kind.ANSWER and self.tells_more(message, tracker):
            return Reading(Kind.STRAY, value="described")  # more of what is wrong: kept, and the place asked again
        if requested == "complaint_place" and reading.kind in (Kind.ANSWER, Kind.STRAY):
            named = _only_a_category(message)
            if named is not None and named != tracker.get_slot("complaint_category"):
                # "illegal parking" where the place is asked, after 'Roads' was taken: the category put right, no place
                return Reading(Kind.CORRECTION, slot="complaint_category", value=message)
            if named is not None:
                return Reading(Kind.STRAY)  # "roads" once more, after 'Roads' was taken: no place; asked again
        return reading

    @staticmethod
    def tells_more(message: Text, tracker: Tracker) -> bool:
        """Where the place is asked, more about the problem and nothing that says where ("밤에 완전 깜깜해서 애들
        학원끝나고 올때 무서워요 빨리 좀 고쳐주세요", "its pitch dark at night and kids walk home that way, pls fix it
        soon"): no number, no road, no landmark, and words of a complaint."""
        if re.search(r"\d", message or "") or road_address_in(message or "") or _LANDMARK.search(message or "") \
                or not describes_problem(message):
            return False
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        intent, confidence = conv.latest_intent(tracker)
        heard = max([float(r.get("confidence") or 0) for r in ranking if r.get("name") == "file_complaint"]
                    + [confidence if intent == "file_complaint" else 0.0])
        return heard >= 0.5 or problem_words(message) >= 1

    def act_on(self, reading: Reading, dispatcher: CollectingDispatcher, tracker: Tracker,
               requested: Text) -> Optional[List[EventType]]:
        if reading.kind == Kind.STRAY and reading.value == "described":
            before = str(tracker.get_slot("complaint_text") or "")
            message = conv.latest_text(tracker)
            dispatcher.utter_message(text=text(N_("description_added"), conv.language(tracker)))
            return [SlotSet("complaint_text", f"{before} {message}".strip() if message not in before else before)] \
                + self.ask_again(requested)
        return super().act_on(reading, dispatcher, tracker, requested)

    def meant_instead(self, message: Text, tracker: Tracker) -> Optional[Text]:
        # "주소 이전 신고 좀 하려고요 점심시간이라 급해요" (NLU: file_complaint 0.66): words that name the move-in report,
        # a fine or a status check, and no problem a complaint is for, start that service instead
        named = services_named(message)
        if len(named) == 1 and named[0] != "file_complaint" and guess_category(message, []) is None:
            return named[0]
        return None

    def accepts(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "complaint_text":  # a description names a problem, or NLU hears a complaint in it
            if only_a_place(message):
                return False  # "its at the bus stop at 168 Hangang-daero": where, not what (kept for later)
            ranking = (tracker.latest_message or {}).get("intent_ranking") or []
            heard = max((float(r.get("confidence") or 0) for r in ranking if r.get("name") == "file_complaint"),
                        default=0.0)
            return bool(guess_category(message, [])) or heard >= 0.2
        if slot == "complaint_place":
            return names_a_place(message) and not self.vague(slot, message)
        if slot == "complaint_category":
            guess = tracker.get_slot("complaint_category_guess")
            return bool((guess and (is_yes(message) or is_no(message))) or parse_choices(message, len(FALLBACK_CATEGORIES))
                        or guess_category(message, []))
        if slot == "photo_id":
            return isinstance(conv.metadata(tracker).get("photo"), dict) or no_photo(message)
        return super().accepts(slot, message, tracker)

    def vague(self, slot: Text, message: Text) -> bool:
        if slot == "complaint_place":  # "저희 집 근처 정류장이요": nobody at the office knows where that is
            # "that's my old building" (asking to change the place at the summary) says which place it is not
            return bool(_RELATIVE_PLACE.search(message or "") or _NOT_THIS_PLACE.search(message or "")) \
                and not re.search(r"\d", message or "")
        return super().vague(slot, message)

    def fits(self, slot: Text, message: Text, tracker: Tracker) -> bool:
        if slot == "complaint_place":  # unasked, only a road address said with little else
            return only_a_place(message)
        if slot == "photo_id":  # unasked, only words about the photo ("아니 근데 뭘 이렇게 물어봐요" is no "no photo")
            return bool(_NO_PHOTO_SAID.search(message))
        if slot == "complaint_category":  # a kind named or chosen; a bare yes/no answers only the asked guess
            chosen = re.fullmatch(r"\s*\d{1,2}\s*번?\s*(이요|요)?[.!]?\s*", message or "") is not None
            return not only_a_place(message) and (chosen or bool(guess_category(message, [])))  # "하나 틀렸어요": no choice
        return super().fits(slot, message, tracker)

    async def extract_complaint_text(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("complaint_text"):
            return {}
        message = without_language_ask(conv.latest_text(tracker))
        entities = (tracker.latest_message or {}).get("entities", [])
        guess = guess_category(message, entities)
        if not self.answering(tracker, "complaint_text"):
            # The opening message often is the description ("가로등이 꺼졌어요"): keep it when it names a problem.
            intent, _ = conv.latest_intent(tracker)
            # Started by NLU, or by the words when NLU was unsure (actions/plain_requests.py).
            if (intent == "file_complaint" or intent not in SERVICE_INTENTS) and len(message) >= 6 \
                    and (guess or (describes_problem(message) and not TO_FILE.search(message)
                                   and not about_other_tasks(message))) \
                    and not resumed_service(message):
                # ("아 돈은 월급날 낼게요 그거보다 신고할게 있어요 민원 접수 먼저 해주세요" leaves a payment for this: no problem
                # told yet)
                # ("아까 하던 민원 이어서 할게요" goes back to a complaint: it describes nothing)
                # A place said with it is kept too: what the first message said is not asked again.
                place = road_address_in(message)
                where = {"complaint_place": {"address": place}} if place else {}
                if not tells_what_is_wrong(complaint_part(message)):
                    return {"complaint_category_guess": guess, **where}  # "complain noise": what happened is asked
                return {"complaint_text": complaint_part(message), "complaint_category_guess": guess, **where}
            return {}
        if not message:
            return {}
        if len(message) < 4 or ((is_yes(message) or is_no(message)) and len(message.split()) <= 3):
            # "네" is not a description; "네 알겠습니다. 옆 건물 공사장에서 밤 11시가 넘어서도 소음이 …" is
            dispatcher.utter_message(text=text("help_complaint_text", conv.language(tracker)))
            return {"complaint_text": None}
        # "cars park on the sidewalk every day in front of 332 Huam-ro … I have no photo": the place and the photo
        # said in the description are not asked again
        place = road_address_in(message) if not tracker.get_slot("complaint_place") else None
        no_photo = not tracker.get_slot("photo_id") and bool(_NO_PHOTO_SAID.search(message))
        before = tracker.get_slot("complaint_category_guess")
        # The kind said first ("I'd like to make a suggestion") outranks the subject the words name later (a crosswalk)
        return {"complaint_text": message,
                "complaint_category_guess": before if before and before not in SUBJECTS else (guess or before),
                **({"complaint_place": {"address": place}} if place else {}),
                **({"photo_id": "none"} if no_photo else {})}

    async def extract_complaint_category(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "complaint_category"):
            return {}
        message = conv.latest_text(tracker)
        if asks_about_options(message) and asks(message):
            return {}  # "what's the difference between a complaint and a proposal? which one is mine?": no choice
        intent, _ = conv.latest_intent(tracker)
        options = await categories()
        guess = tracker.get_slot("complaint_category_guess")
        named = _category_named(message, options)
        told = _told_more(message, tracker)
        if told:
            # "놀이터 그네 줄이 끊어져 있어요 애들 다칠까봐 걱정돼요" to "Is this about 'Parks'?": what happened goes
            # into the description, and the category is read from these words as from any answer; more of the same
            # problem naming no category is no "no" to the one suggested (the summary shows it before filing)
            if guess and not named and not _DENIES.match(message) and not _IT_IS_ABOUT.search(message):
                # ("Could you put a bench at the bus stop?" after "Is this about 'Proposal'?": a bus stop named in
                # the proposal is no "it's about public transport")
                now = guess_category(told["complaint_text"], [])
                if guess in SUBJECTS and now in SUBJECTS and now != guess and guess_category(message, []) == now:
                    # "car parked in front of the fire hydrant every single night" after "a problem on my road" and
                    # "Is this about 'Roads'?": what happened points elsewhere, so that is suggested instead
                    return {**told, "complaint_category": None, "complaint_category_guess": now}
                return {**told, "complaint_category": guess}
            return {**told, **await self._category_answer(message, intent, options, guess, dispatcher, tracker)}
        return await self._category_answer(message, intent, options, guess, dispatcher, tracker)

    async def _category_answer(self, message: str, intent: Optional[str], options: List[Dict[str, Any]],
                                            guess: Optional[str], dispatcher: CollectingDispatcher,
                                            tracker: Tracker) -> Dict[Text, Any]:
        named = _category_named(message, options)
        if named and named != guess:
            return {"complaint_category": named}  # "yes roads" to "Is this about 'Noise'?": the one named
        said = affirmed_category(message)
        if guess and said and said != guess and any(o.get("code") == said for o in options):
            return {"complaint_category": said}  # "yes parking" to "Is this about 'Roads'?": parking
        if guess and (is_yes(message) or intent == "affirm" or said == guess):
            # "no not really the shouting, it's the trash they leave behind" to "Is this about 'Waste'?": its "no"
            # turns down the shouting, and the trash is what was suggested
            return {"complaint_category": guess}
        if guess and (is_no(message) or intent == "deny"):
            return {"complaint_category": None, "complaint_category_guess": None}  # ask again with the full list
        picked = parse_choices(message, len(options))
        if picked and len(picked) == 1:
            return {"complaint_category": options[picked[0]]["code"]}
        named = match_label(message, [pick(o.get("label"), "ko") for o in options])
        if named is None:
            named = match_label(message, [pick(o.get("label"), "en") for o in options])
        if named is not None:
            return {"complaint_category": options[named]["code"]}
        said = guess_category(message, [])  # "it's about the noise", "주차 문제요"
        if said and any(o.get("code") == said for o in options):
            return {"complaint_category": said}
        dispatcher.utter_message(text=text("choose_number", conv.language(tracker)))
        return {"complaint_category": None}

    async def extract_complaint_place(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        location = conv.metadata(tracker).get("location")
        if isinstance(location, dict) and "lat" in location and "lon" in location:
            return {"complaint_place": {"lat": float(location["lat"]), "lon": float(location["lon"])}}
        if not self.answering(tracker, "complaint_place"):
            if tracker.get_slot("requested_slot") is None and not tracker.get_slot("complaint_place"):
                # "I'd like to report something outside 64 Gangnam-daero": the place of the first message is kept
                place = road_address_in(conv.latest_text(tracker))
                return {"complaint_place": {"address": place}} if place else {}
            return {}
        message = conv.latest_text(tracker)
        clauses = [c.strip() for c in CLAUSE.split(message or "") if c and c.strip()]
        photo = [c for c in clauses if _NO_PHOTO_SAID.search(c) and not names_a_place(c)]
        if photo and len(photo) < len(clauses):
            # "테헤란로 267 앞 음식물 수거함이에요. 사진은 따로 없어요": the place, and the photo question answered too
            place = message
            for clause in photo:
                place = place.replace(clause, " ")
            return {"complaint_place": {"address": re.sub(r"[\s,.;]+$", "", re.sub(r"\s+", " ", place)).strip()},
                    "photo_id": "none"}
        return {"complaint_place": {"address": message}} if message else {}

    async def extract_photo_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "photo_id"):
            if tracker.get_slot("requested_slot") is None and _NO_PHOTO_SAID.search(conv.latest_text(tracker)):
                return {"photo_id": "none"}  # "… It's been dark for a week now. No photo.": not asked again
            return {}
        photo = conv.metadata(tracker).get("photo")
        lang = conv.language(tracker)
        if isinstance(photo, dict):
            photo_id = await _upload(tracker, photo)
            if photo_id:
                return {"photo_id": photo_id}
            dispatcher.utter_message(text=text("photo_failed", lang))
            return {"photo_id": "none"}
        message = conv.latest_text(tracker)
        if no_photo(message) or conv.latest_intent(tracker)[0] == "deny" or (is_yes(message) and _GO_ON.search(message)):
            return {"photo_id": "none"}  # "yes, file it" at the photo question: go on without one
        dispatcher.utter_message(text=text("help_photo_id", lang))
        return {"photo_id": None}

    async def extract_complaint_confirm(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        if not self.answering(tracker, "complaint_confirm"):
            return {}
        return self.confirm_answer("complaint_confirm", dispatcher, tracker)


# Saying which kind it is, not mentioning a thing of that kind: "it's about the noise", "쓰레기 문제예요".
_IT_IS_ABOUT = re.compile(r"(\b(it'?s|this is|that'?s) (about|more of|more like|really)\b|\babout the\b|\bcategory\b|"
                          r"문제(예요|에요|이에요|입니다|요)|관련(이에요|이요|된|해서)|쪽이(에요|요))", re.IGNORECASE)
_DENIES = re.compile(r"\s*(no|nope|not|아니|아뇨|아닌)", re.IGNORECASE)


def _told_more(message: str, tracker: Tracker) -> Dict[Text, Any]:
    """The description with what an answer to the category question adds about the problem, or {} when the answer
    only picks a category ("네", "3", "소음이요")."""
    picked = parse_choices(message, 12)
    if not describes_problem(_category_words(message)) or (picked and len(picked) == 1) or _DENIES.match(message):
        return {}  # ("… the kids wait in the sun every afternoon": "every" there picks no category)
    before = str(tracker.get_slot("complaint_text") or "")
    return {"complaint_text": f"{before} {message}".strip() if before and message not in before else message}


async def _upload(tracker: Tracker, photo: Dict[str, Any]) -> Optional[str]:
    content_type = str(photo.get("content_type") or "image/jpeg")
    try:
        if photo.get("bytes_b64"):
            data = base64.b64decode(photo["bytes_b64"])
        elif photo.get("url"):
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
                async with session.get(photo["url"]) as resp:
                    if resp.status != 200:
                        return None
                    data = await resp.read()
                    content_type = resp.headers.get("Content-Type", content_type).split(";")[0]
        else:
            return None
    except (aiohttp.ClientError, ValueError, OSError) as exc:
        logger.warning("photo fetch failed: %s", type(exc).__name__)
        return None
    result = await get_client().upload_photo(conv.citizen_token(tracker) or "", data, content_type,
                                             conv.state_change_key(tracker, "upload"))
    return result.value.get("photo_id") if result.ok else None


class ActionAskComplaintCategory(Action):
    def name(self) -> Text:
        return "action_ask_complaint_category"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        options = await categories()
        guess = tracker.get_slot("complaint_category_guess")
        label = next((pick(o.get("label"), lang) for o in options if o.get("code") == guess), None)
        first = text("ask_complaint_category", lang, label=label) if label else text("ask_complaint_category_open", lang)
        lines = [first] + [f"{n}. {pick(o.get('label'), lang)}" for n, o in enumerate(options, 1)]
        dispatcher.utter_message(text="\n".join(lines))
        return []


def place_words(place: Any, lang: str) -> str:
    if isinstance(place, dict) and place.get("address"):
        return str(place["address"])
    if isinstance(place, dict) and "lat" in place:
        return text("place_shared", lang)
    return "-"


class ActionAskComplaintConfirm(Action):
    """The summary before the complaint is filed: what, which kind, where, photo; yes files it."""

    def name(self) -> Text:
        return "action_ask_complaint_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        lang = conv.language(tracker)
        if tracker.get_slot("summary_change"):
            ask_what_to_change(dispatcher, lang, ["complaint_text", "complaint_category", "complaint_place", "photo_id"])
            return []
        code = tracker.get_slot("complaint_category")
        label = next((pick(o.get("label"), lang) for o in await categories() if o.get("code") == code), code or "-")
        photo = tracker.get_slot("photo_id")
        dispatcher.utter_message(
            text=text("complaint_summary", lang, text=_short(tracker.get_slot("complaint_text") or ""), category=label,
                      place=place_words(tracker.get_slot("complaint_place"), lang),
                      photo=text(N_("photo_none") if photo in (None, "none") else N_("photo_attached"), lang)),
            buttons=yes_no_buttons(lang))
        return []


def _short(description: str, limit: int = 60) -> str:
    return description if len(description) <= limit else description[:limit - 1] + "…"


async def perform_complaint(client: GovApiClient, token: Optional[str], payload: Dict[str, Any], key: str) -> Result:
    return await client.create_complaint(token or "", payload["category"], payload["text"], payload["place"],
                                         payload.get("photo_id"), key)


def complaint_reply(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str, value: Dict[str, Any]) -> None:
    dispatcher.utter_message(text=text("complaint_done", lang, number=value.get("tracking_number", ""),
                                       department=pick(value.get("department"), lang),
                                       deadline=str(value.get("deadline") or "")[:10]))


pending.register("complaint", perform_complaint, complaint_reply)


class ActionFileComplaint(Action):
    def name(self) -> Text:
        return "action_file_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ended = await early_end(dispatcher, tracker)
        if ended is not None:
            return ended
        photo = tracker.get_slot("photo_id")
        payload = {"category": tracker.get_slot("complaint_category"), "text": tracker.get_slot("complaint_text"),
                   "place": tracker.get_slot("complaint_place"), "photo_id": None if photo in (None, "none") else photo}
        events = await pending.perform_or_keep(dispatcher, tracker, "complaint", payload,
                                               conv.state_change_key(tracker, "complaint"))
        return then_offer_updates(events + clear_form_slots(tracker))
