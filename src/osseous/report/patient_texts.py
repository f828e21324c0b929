"""Plain-language explanations for patients: the treatments, the tests, common questions and a
glossary.

Every text here is written for a reader with no medical training. The tests hold each one at
or below a US school grade of 8 by :func:`osseous.report.readability.flesch_kincaid_grade`,
require a glossary entry for each medical term that is used, and forbid prognosis in numbers
(no survival figures, no percentages). The texts explain; they do not advise. What a given
patient is offered comes from the plan and from the care team.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Final

__all__ = [
    "FAQ",
    "GLOSSARY",
    "INVESTIGATIONS",
    "TREATMENTS",
    "PatientText",
    "iter_texts",
]


@dataclass(frozen=True, slots=True)
class PatientText:
    """One treatment or test, explained in short paragraphs."""

    title: str
    what_it_is: str
    why_offered: str
    how_it_is_done: str
    what_to_expect: str
    common_side_effects: str
    #: things to tell the care team about at once
    what_to_report: str


# ---- treatments: keys match the plan's treatment families ----------------------------------

_RADIOTHERAPY: Final = PatientText(
    title="Radiotherapy: X-rays that are aimed at the bone to treat it",
    what_it_is=(
        "Radiotherapy uses X-rays to treat the cancer in a bone. A place where cancer has "
        "spread to a bone is called a bone metastasis. The beam is aimed with care "
        "at the part that hurts or is at risk. It is the most common way to ease pain from "
        "cancer in the bone. The doctor who plans it is called a radiation oncologist."
    ),
    why_offered=(
        "The main aim is to ease pain. It can also help a weak bone to heal. If cancer "
        "presses on the spinal cord, it can help you keep walking and keep control of your "
        "bladder and bowel. It is often given after an operation on a bone, to treat what is "
        "left."
    ),
    how_it_is_done=(
        "First you have a planning scan, so the team can aim the beam. Then you lie still on "
        "a couch while a machine moves around you. Each visit is called a fraction. Some "
        "people need just one visit. Others come on a few days in a row. For a few people "
        "the team may suggest a very precise form that gives a high dose in a few visits."
    ),
    what_to_expect=(
        "You will not feel the beam, and you will not be radioactive after it. Each visit "
        "takes a short time. Pain often starts to ease after a week or two, but it can take "
        "longer. If pain comes back later, the same place can often be treated again."
    ),
    common_side_effects=(
        "Side effects depend on the part of the body treated. Many people feel tired for a "
        "while. The skin over the area may turn red or sore. Pain can get a bit worse for a "
        "few days before it gets better. If the beam passes near the gut, you may feel sick "
        "or have loose stools for a short time."
    ),
    what_to_report=(
        "Tell the team at once if you have new weakness or numbness in your legs, or trouble "
        "passing urine or stools. Also tell them about pain that is much worse, sickness that "
        "stops you eating or drinking, or skin that breaks down."
    ),
)

_BONE_MODIFYING_AGENT: Final = PatientText(
    title="Medicines that make bones stronger",
    what_it_is=(
        "These medicines slow down the way cancer wears away bone. They are often called "
        "bone-strengthening medicines. There are two main kinds. Zoledronic acid and "
        "pamidronate are in a group called bisphosphonates. Denosumab works in a different "
        "way, but it has a similar effect."
    ),
    why_offered=(
        "They lower the chance of a broken bone and of other bone problems. They can also "
        "bring down a high calcium level in the blood. They may ease bone pain a little. "
        "They do not replace radiotherapy or pain medicine. They work alongside them."
    ),
    how_it_is_done=(
        "Zoledronic acid and pamidronate are given as a drip into a vein. Denosumab is a small "
        "injection under the skin of the arm, thigh or belly. Each dose is given every few "
        "weeks, or every few months. Before you start, you need a dental check. You will have "
        "blood tests before each dose."
    ),
    what_to_expect=(
        "The drip or the injection takes a short time. You may be asked to take calcium and "
        "vitamin D each day, to keep your calcium level steady. Try to look after your teeth "
        "and gums well. If you need dental work, tell your dentist about this medicine first."
    ),
    common_side_effects=(
        "After the first drip of zoledronic acid, some people feel achy or hot for a day or "
        "two, a bit like flu. The calcium level in the blood can drop too low, mostly with "
        "denosumab. Rarely, a patch of jaw bone does not heal. This is called osteonecrosis "
        "of the jaw. Zoledronic acid can put a strain on the kidneys. This is why your kidney "
        "function is checked. Very rarely, the thigh bone can crack in an unusual way."
    ),
    what_to_report=(
        "Tell the team at once about pain or swelling in your jaw, a loose tooth, or a sore in "
        "your mouth that does not heal. Also report cramps, twitching, or tingling in your "
        "fingers or around your mouth. These can be signs of low calcium. New pain in your "
        "thigh or groin should be checked too."
    ),
)

_INTERVENTIONAL: Final = PatientText(
    title="Treatment through a needle in the skin",
    what_it_is=(
        "A specialist uses a needle, guided by a scan, to treat the bone from the outside. "
        "In vertebroplasty, bone cement is put into a spine bone, or vertebra, that has "
        "collapsed. In "
        "kyphoplasty, a small balloon makes space first, then the cement goes in. "
        "Cementoplasty puts cement into other bones, such as the pelvis. Ablation kills the "
        "cancer cells with heat or with cold."
    ),
    why_offered=(
        "The aim is to ease pain and to make a weak bone more solid. It may help when pain "
        "does not ease with other treatment, or when an operation would be too much for you. "
        "It does not take the place of radiotherapy, and the two are often used together."
    ),
    how_it_is_done=(
        "You lie on a table in the scan room. You get medicine to numb the skin, and often "
        "something to help you relax or sleep. The doctor passes a thin needle through the "
        "skin into the bone, and checks its path on the screen. One type of ablation uses "
        "sound waves and an MRI scanner, with no needle at all."
    ),
    what_to_expect=(
        "It often takes about an hour. You may go home the same day, or stay one night. Many "
        "people have less pain within a few days. You may need to lie flat for a short time "
        "after the cement goes in, while it sets."
    ),
    common_side_effects=(
        "The place where the needle went in may be sore or bruised for a few days. Pain can "
        "flare for a short time. Rarely, a little cement leaks out of the bone. Very rarely, "
        "this presses on a nerve."
    ),
    what_to_report=(
        "Tell the team at once about new weakness or numbness in your arms or legs, or "
        "trouble passing urine or stools. Also tell them about a fever, redness or fluid at "
        "the needle site, or pain that gets much worse."
    ),
)

_SURGERY: Final = PatientText(
    title="An operation on the bone or the spine",
    what_it_is=(
        "A surgeon makes a weak or broken bone strong again. This may be done with a metal rod, "
        "a plate, or screws. Sometimes part of a joint, such as the hip, is replaced. In the "
        "spine, the surgeon can take pressure off the spinal cord and hold the spine steady."
    ),
    why_offered=(
        "It is offered when a bone has broken, or is so weak that it is likely to break. "
        "Fixing a bone before it breaks is often easier than after. In the spine, it is "
        "offered when the spine is not stable, or when cancer presses on the spinal cord. The "
        "team uses scores, such as the Mirels score and SINS, to help judge the risk."
    ),
    how_it_is_done=(
        "You will have an anaesthetic, so you are asleep and feel nothing. The surgeon fixes "
        "the bone. Afterwards you will often have radiotherapy to the same place. This helps "
        "to stop the cancer growing back there."
    ),
    what_to_expect=(
        "You will stay in hospital for some days. A physiotherapist will help you get up and "
        "walk again. The team will tell you how much weight you can put on the limb. The "
        "operation is only offered if you are well enough to recover from it."
    ),
    common_side_effects=(
        "Pain around the wound is common at first, and it is treated with pain medicine. Any "
        "operation carries a risk of infection, bleeding, or a blood clot. Your team will "
        "take steps to lower these risks."
    ),
    what_to_report=(
        "Tell the team at once if the wound gets red, hot, or starts to leak. Also tell them "
        "about a fever, a swollen and painful calf, sudden shortness of breath, or new "
        "weakness or numbness."
    ),
)

_RADIOPHARMACEUTICAL: Final = PatientText(
    title="A radioactive medicine that goes to the bones",
    what_it_is=(
        "This is a medicine that gives off radiation. It is put into a vein. It travels in the "
        "blood to the places where cancer is in the bone, and treats them from the inside. "
        "Radium-223 is one of these. Another kind finds prostate cancer cells that carry a "
        "marker called PSMA."
    ),
    why_offered=(
        "It can treat many sore places at once, so it may help when cancer is in lots of "
        "bones. Radium-223 is used for some men with prostate cancer that has spread to the "
        "bones. It may help them live longer, and it can ease pain. Your team will check that "
        "it suits you."
    ),
    how_it_is_done=(
        "A nurse or doctor gives the medicine into a vein, in a short injection. Radium-223 is "
        "given once every four weeks, for up to six doses. Before each dose, you have a blood "
        "test to check your blood counts."
    ),
    what_to_expect=(
        "You can often go home soon after the injection. For a short time, small amounts of "
        "the medicine leave the body in urine and stools. The team will explain simple steps "
        "to keep others safe, such as washing your hands well after using the toilet."
    ),
    common_side_effects=(
        "The medicine can lower your blood counts for a while. This can make you tired, or "
        "more likely to get an infection or to bruise. Some people feel sick or have loose "
        "stools. Pain may flare for a few days before it gets better."
    ),
    what_to_report=(
        "Tell the team at once if you have a fever, chills, or feel unwell in a way that "
        "might be an infection. Also tell them about bleeding or bruising that is not usual, "
        "or loose stools that do not settle."
    ),
)

_SYSTEMIC_THERAPY: Final = PatientText(
    title="Medicines that treat the cancer all through the body",
    what_it_is=(
        "These medicines reach cancer cells wherever they are in the body. There are a few "
        "kinds. Hormone therapy and chemotherapy are two of them. Targeted therapy and "
        "immunotherapy are others. Which one you get depends on the type of cancer you have. "
        "A cancer doctor, called an oncologist, plans this care."
    ),
    why_offered=(
        "The aim is to slow or stop the growth of the cancer, in the bones and elsewhere. "
        "This can ease pain and other problems, and for many people it can help them live "
        "longer. Hormone therapy is often used for breast and prostate cancer."
    ),
    how_it_is_done=(
        "Some of these medicines are tablets that you take at home. Others are given as a "
        "drip or an injection at the hospital. Treatment is given in cycles, with rest times "
        "in between. You will have blood tests and scans to see how well it is working."
    ),
    what_to_expect=(
        "Your oncologist will explain the plan, how long it lasts, and how it will be "
        "checked. The plan may change if the cancer changes, or if side effects are hard to "
        "live with."
    ),
    common_side_effects=(
        "Side effects depend on the medicine. Tiredness is common. Hormone therapy can cause "
        "hot flushes and joint aches. Chemotherapy can cause sickness, hair loss, and a "
        "higher chance of infection. Immunotherapy can cause a rash or loose stools. Your "
        "team will tell you what to watch for with your own treatment."
    ),
    what_to_report=(
        "Tell the team at once if you have a fever or feel very unwell. This matters most "
        "during chemotherapy. Also tell them about loose stools that go on, a new rash, or "
        "feeling short of breath. Tell them about any side effect that worries you."
    ),
)

_SUPPORTIVE_CARE: Final = PatientText(
    title="Care to ease symptoms and keep you well",
    what_it_is=(
        "This is care that treats your symptoms and helps you live as well as you can. It "
        "includes pain medicine, help to stay active, and care for the whole person. A "
        "palliative care team often helps with this. You can have it at the same time as "
        "other treatment."
    ),
    why_offered=(
        "Pain is the most common problem when cancer is in the bones. Good pain control makes "
        "a big difference to daily life. Other problems can also be treated. These include a "
        "high calcium level in the blood, stiff joints, low mood, and trouble moving about."
    ),
    how_it_is_done=(
        "Pain relief often starts with simple tablets. Stronger ones, called opioids, such as "
        "morphine, may be added. If the spinal cord may be squeezed, you get a steroid such as "
        "dexamethasone at once. A high calcium level is called hypercalcaemia. It is treated "
        "with fluids and medicine by drip. A physiotherapist can help you move safely."
    ),
    what_to_expect=(
        "The team will ask about your pain often, and change the plan until it is under "
        "control. Tell them what matters most to you. You can ask for help for your family "
        "and carers too."
    ),
    common_side_effects=(
        "Opioids often cause constipation, so you may be given a laxative with them. They can "
        "also make you sleepy or feel sick at first. Steroids can raise blood sugar, affect "
        "your sleep and mood, and make you hungry."
    ),
    what_to_report=(
        "Tell the team at once about new back pain with weakness or numbness in your legs, or "
        "trouble passing urine or stools. Also report being very thirsty or confused, being "
        "hard to wake, or pain that is not under control."
    ),
)

#: the seven treatment families, keyed as in the plan
TREATMENTS: Final[Mapping[str, PatientText]] = MappingProxyType({
    "radiotherapy": _RADIOTHERAPY,
    "bone-modifying-agent": _BONE_MODIFYING_AGENT,
    "interventional": _INTERVENTIONAL,
    "surgery": _SURGERY,
    "radiopharmaceutical": _RADIOPHARMACEUTICAL,
    "systemic-therapy": _SYSTEMIC_THERAPY,
    "supportive-care": _SUPPORTIVE_CARE,
})


# ---- investigations -------------------------------------------------------------------------

_MRI_SPINE: Final = PatientText(
    title="MRI scan of the spine",
    what_it_is=(
        "An MRI scan uses a strong magnet and radio waves to take detailed pictures. It does "
        "not use X-rays. It shows the spine bones, the spinal cord and the nerves very "
        "clearly."
    ),
    why_offered=(
        "It is the best test to see whether cancer in the spine is pressing on the spinal "
        "cord. If you have signs that this may be happening, the scan is done as an urgent "
        "test, on the same day if possible. It also helps the team plan radiotherapy or an "
        "operation."
    ),
    how_it_is_done=(
        "You lie on a table that slides into a tunnel. You must keep still while the pictures "
        "are taken. The machine is loud, so you will get ear plugs or headphones. Sometimes a "
        "dye is given into a vein to make the pictures clearer."
    ),
    what_to_expect=(
        "The scan takes some time, often more than half an hour. It does not hurt, but lying "
        "still can be hard if you are in pain. Ask for pain relief before the scan if you "
        "need it. You will be asked about any metal in your body."
    ),
    common_side_effects=(
        "Most people have no side effects. Some people feel closed in inside the tunnel. If "
        "dye is used, a few people feel sick or get a rash."
    ),
    what_to_report=(
        "Before the scan, tell the team if you have a pacemaker or any metal in your body. "
        "Tell them at once if you feel faint, short of breath, or get a rash after the dye."
    ),
)

_CT: Final = PatientText(
    title="CT scan",
    what_it_is=(
        "A CT scan uses X-rays and a computer to make detailed pictures of the inside of the "
        "body. It shows the bones very well."
    ),
    why_offered=(
        "It shows how much of a bone has been worn away, and whether the bone is at risk of "
        "breaking. It helps the team plan radiotherapy and surgery. It can also guide a "
        "needle during a biopsy or a treatment through the skin."
    ),
    how_it_is_done=(
        "You lie on a table that moves slowly through a ring. You need to keep still and may "
        "be asked to hold your breath for a moment. Sometimes a dye is given into a vein."
    ),
    what_to_expect=(
        "The scan is quick and does not hurt. If you have the dye, you may feel warm all over "
        "for a moment, or feel as if you need to pass urine. This soon passes."
    ),
    common_side_effects=(
        "The scan uses a small dose of radiation. The dye can rarely cause a rash or strain "
        "on the kidneys. This is why your kidney function may be checked first."
    ),
    what_to_report=(
        "Tell the team before the scan if you have had a reaction to dye, or if you have "
        "kidney problems. Tell them at once if you get a rash, swelling, or trouble breathing "
        "after the dye."
    ),
)

_PLAIN_RADIOGRAPH: Final = PatientText(
    title="X-ray picture of a bone",
    what_it_is=(
        "A plain X-ray is a simple picture of a bone. It is the quickest way to look at a bone."
    ),
    why_offered=(
        "It shows whether a bone is broken, and how much of it the cancer has worn away. For "
        "a long bone, such as the thigh bone, it helps the team judge the risk of a break."
    ),
    how_it_is_done=(
        "You stand, sit or lie next to the machine while it takes the picture. You may be "
        "asked to move so that more than one view can be taken."
    ),
    what_to_expect=(
        "It takes only a few minutes and does not hurt. Moving into position may be sore if "
        "the bone is painful. The staff will help you."
    ),
    common_side_effects=(
        "There are no side effects that you will notice. It uses a very small dose of "
        "radiation."
    ),
    what_to_report=(
        "Tell the staff first if you are or might be pregnant. Tell the team at once if you "
        "have sudden new pain in a limb, or cannot put weight on it."
    ),
)

_BONE_SCAN: Final = PatientText(
    title="Bone scan",
    what_it_is=(
        "A bone scan shows places in all the bones of the body where the bone is changing. A "
        "tiny amount of a radioactive tracer is put into a vein. It collects where the bone "
        "is active. A special camera then takes the pictures."
    ),
    why_offered=(
        "It checks the whole skeleton at once, to see where the cancer may be. It can also "
        "help show whether a radioactive medicine for the bones might suit you."
    ),
    how_it_is_done=(
        "First you have the injection into a vein. Then you wait a few hours while the tracer "
        "collects in the bones. You can often leave and come back. For the scan, you lie "
        "still on a table while the camera passes over you."
    ),
    what_to_expect=(
        "The scan does not hurt, apart from the small needle. You will be asked to drink "
        "plenty and to pass urine often, to help the tracer leave your body."
    ),
    common_side_effects=(
        "Side effects are very rare. The amount of radiation is small, and it fades away "
        "within a day or so."
    ),
    what_to_report=(
        "Tell the staff first if you are pregnant or breastfeeding. Tell them if you cannot "
        "lie still because of pain, so they can help."
    ),
)

_PSMA_PET: Final = PatientText(
    title="PSMA PET scan",
    what_it_is=(
        "This is a scan for prostate cancer. A tracer is put into a vein. It sticks to a "
        "marker called PSMA, which most prostate cancer cells carry. A PET scanner then shows "
        "where the tracer has gone. It is often done together with a CT scan."
    ),
    why_offered=(
        "It can find prostate cancer in the bones and in other parts of the body, even in "
        "small spots. It also shows whether a treatment that targets PSMA might work for you."
    ),
    how_it_is_done=(
        "You have the injection, then rest for about an hour. Then you lie on a table that "
        "moves slowly through the scanner. You need to keep still."
    ),
    what_to_expect=(
        "The scan does not hurt. The whole visit can take a few hours. You can eat and drink "
        "as usual, unless the team tells you otherwise."
    ),
    common_side_effects=(
        "Side effects are very rare. The tracer gives a small dose of radiation, which fades "
        "quickly."
    ),
    what_to_report=(
        "Tell the team if you cannot lie flat or still because of pain. Tell them at once if "
        "you feel unwell after the injection."
    ),
)

_FDG_PET: Final = PatientText(
    title="FDG PET scan",
    what_it_is=(
        "This scan uses a tracer that is a lot like sugar. Cancer cells that are very active "
        "take up more sugar than normal cells. A PET scanner shows where the tracer has "
        "gone. It is often done together with a CT scan."
    ),
    why_offered=(
        "It shows where cancer is active, in the bones and in other parts of the body. This "
        "helps the team choose the right treatment, and later check whether it is working."
    ),
    how_it_is_done=(
        "You will be asked not to eat for some hours before the scan. You have the tracer "
        "put into a vein, then rest quietly for about an hour. Then you lie still on the "
        "table while it moves through the scanner."
    ),
    what_to_expect=(
        "The scan does not hurt. You may drink water before it. The whole visit can take a "
        "few hours."
    ),
    common_side_effects=(
        "Side effects are very rare. The tracer gives a small dose of radiation, which fades "
        "within a day."
    ),
    what_to_report=(
        "Tell the team before the scan if you have diabetes, as the sugar in your blood can "
        "change the result. Tell them if you cannot lie still because of pain."
    ),
)

_BLOOD_TESTS: Final = PatientText(
    title="Blood tests",
    what_it_is=(
        "A small sample of blood is taken from a vein in your arm. It is sent to the lab for "
        "tests."
    ),
    why_offered=(
        "Blood tests check the calcium level, your kidney function, and your blood counts. "
        "Cancer in the bone can raise the calcium level. Some bone medicines can lower it. "
        "Some medicines are only safe if the kidneys work well. Radioactive medicines can "
        "lower the blood counts, so these are checked before each dose. The main test of the "
        "kidneys is called creatinine."
    ),
    how_it_is_done=(
        "A nurse puts a thin needle into a vein, often in the arm, and fills one or more small "
        "tubes. It takes a few minutes."
    ),
    what_to_expect=(
        "You may feel a sharp scratch. The team will tell you the results, and whether any "
        "change is needed in your treatment."
    ),
    common_side_effects=(
        "You may have a small bruise where the needle went in. Some people feel faint."
    ),
    what_to_report=(
        "Tell the nurse if you feel faint. Tell the team if the place where the needle went "
        "in stays swollen or painful."
    ),
)

_DENTAL_EXAMINATION: Final = PatientText(
    title="Dental check",
    what_it_is=(
        "A dentist looks at your teeth and gums, and may take an X-ray of your mouth."
    ),
    why_offered=(
        "It is done before you start a bone-strengthening medicine. These medicines can, "
        "rarely, stop the jaw bone from healing after dental work. This is called "
        "osteonecrosis of the jaw. Any problem teeth are best treated first, to lower that "
        "risk."
    ),
    how_it_is_done=(
        "It is a normal dental visit. If you need a tooth out or other work on your gums, this "
        "is done before the medicine starts, where possible."
    ),
    what_to_expect=(
        "After the check, keep your teeth and gums clean and see your dentist as usual. "
        "Always tell a dentist that you take a bone-strengthening medicine. Try to avoid "
        "having a tooth taken out while you are on it."
    ),
    common_side_effects=(
        "A dental check has no side effects of its own. Any dental treatment may leave your "
        "mouth sore for a few days."
    ),
    what_to_report=(
        "Tell your team at once about pain or swelling in your jaw, a loose tooth, or a sore "
        "in your mouth that does not heal."
    ),
)

_PERFORMANCE_STATUS: Final = PatientText(
    title="How active you are day to day",
    what_it_is=(
        "This is not a blood test or a scan. Your team asks how much you can do each day. "
        "Can you look after yourself? How much time do you spend resting in bed or in a "
        "chair? The answer is given as a short score, called performance status."
    ),
    why_offered=(
        "It helps the team choose treatments that suit you. Some treatments are hard on the "
        "body, and are best for people who are fairly active. Others are gentle, and suit "
        "people who need more rest."
    ),
    how_it_is_done=(
        "A doctor or nurse asks you some questions and may watch you walk. It is part of a "
        "normal visit."
    ),
    what_to_expect=(
        "Give honest answers about a normal day. There is no right or wrong answer. The "
        "score may be checked again as things change."
    ),
    common_side_effects="There are no side effects. It is only a talk with your team.",
    what_to_report=(
        "Tell your team if you find you can do much less than before, or if you spend a lot "
        "more time in bed. Tell them at once about new weakness in your legs."
    ),
)

#: the investigations, keyed as in the plan
INVESTIGATIONS: Final[Mapping[str, PatientText]] = MappingProxyType({
    "mri-spine": _MRI_SPINE,
    "ct": _CT,
    "plain-radiograph": _PLAIN_RADIOGRAPH,
    "bone-scan": _BONE_SCAN,
    "psma-pet": _PSMA_PET,
    "fdg-pet": _FDG_PET,
    "blood-tests": _BLOOD_TESTS,
    "dental-examination": _DENTAL_EXAMINATION,
    "performance-status": _PERFORMANCE_STATUS,
})


# ---- common questions -----------------------------------------------------------------------

#: (question, answer) pairs
FAQ: Final[tuple[tuple[str, str], ...]] = (
    (
        "Can this be cured?",
        "When cancer has spread to the bones, it usually cannot be cured. But it can often be "
        "kept under control for a long time. Treatment aims to ease pain, keep your bones "
        "strong, and help you stay active. Some treatments may also help you live longer. "
        "Your team can talk with you about what this means for you.",
    ),
    (
        "Will it hurt?",
        "Most scans and treatments do not hurt. Some, such as a needle or an operation, can "
        "leave you sore for a while, and you will get pain relief for this. Pain from the "
        "cancer itself can usually be eased. Tell your team about any pain, so they "
        "can help.",
    ),
    (
        "Can I still walk?",
        "Many people with cancer in the bones keep walking. If a bone is weak, the team "
        "may ask you to take care, or to use a stick or a frame for a while. If the cancer is "
        "in the spine, tell the team at once about new weakness or numbness in your legs. "
        "Quick treatment gives the best chance of keeping you on your feet.",
    ),
    (
        "What do the scores mean?",
        "Your team uses scores to help plan your care. Some show how likely a bone is to "
        "break. Others show how stable the spine is, or how people in a similar situation "
        "have done. Your team may explain them to you. These scores are estimates for "
        "groups of people. They are not a prediction for one person, and they cannot say "
        "what will happen to you.",
    ),
    (
        "Why do I need blood tests?",
        "Blood tests check things you cannot feel. They show if your calcium level is too "
        "high or too low, how well your kidneys work, and your blood counts. Some medicines "
        "are only safe when these results are in the right range. This is why you may have "
        "a test before each dose.",
    ),
    (
        "What happens at the tumour board?",
        "A tumour board is a meeting of experts from different fields. It may include cancer "
        "doctors, surgeons, scan doctors and nurses. They look at your scans and results "
        "together, and think about your wishes. Then they suggest a plan. Your own doctor "
        "will talk it through with you. Nothing is decided without you.",
    ),
    (
        "Can I say no to a treatment?",
        "Yes. It is always your choice. You can ask questions, take time to think, or ask "
        "for a second view. You can also change your mind later. If you say no to one "
        "treatment, you will still get care. This includes help with pain and other "
        "symptoms.",
    ),
    (
        "Can I be treated again if the pain comes back?",
        "Often, yes. A bone that has had radiotherapy can often be treated again, after a "
        "gap. Other treatments, such as pain medicine or a needle treatment, may also help. "
        "Tell your team if the pain comes back.",
    ),
    (
        "Which signs need help at once?",
        "Call your team at once if you have new weakness or numbness in your legs, or "
        "trouble passing urine or stools. Do the same if you have new back pain that is very "
        "bad, or are very thirsty, sick or confused. Sudden pain in a limb after a small "
        "knock may mean a broken bone.",
    ),
)


# ---- glossary -------------------------------------------------------------------------------

#: every medical term used in the texts above, explained in plain words
GLOSSARY: Final[Mapping[str, str]] = MappingProxyType({
    "ablation": "A way to kill cancer cells with heat or with cold, through a needle or by "
                "sound waves.",
    "anaesthetic": "A medicine that stops you feeling pain. A general one puts you to sleep "
                   "for an operation.",
    "biopsy": "Taking a small piece of tissue, often with a needle, to look at it in the lab.",
    "bisphosphonate": "A type of medicine that slows the wearing away of bone. Zoledronic "
                      "acid is one.",
    "bladder": "The bag in the lower belly that holds urine until you pass it.",
    "blood clot": "A lump of blood that has set into a solid. In a vein it can block the flow "
                  "of blood.",
    "blood count": "A blood test that counts the cells in your blood. These cells fight "
                   "infection, carry oxygen, and help stop bleeding.",
    "bone cement": "A special glue that is put into a weak bone. It sets hard and makes the "
                   "bone more solid.",
    "bone scan": "A scan that shows where bones are changing, all over the body. It uses a "
                 "tiny amount of a radioactive tracer.",
    "bone-strengthening medicine": "A medicine that slows down the way cancer wears away "
                                   "bone, so bones break less often.",
    "bowel": "The long tube of the gut that takes waste out of the body as stools.",
    "calcium": "A mineral that keeps bones strong. The level in the blood must stay in a "
               "safe range.",
    "cementoplasty": "Putting bone cement into a weak bone outside the spine, such as the "
                     "pelvis, through a needle.",
    "chemotherapy": "Medicines that kill cancer cells, or stop them growing, all through the "
                    "body.",
    "constipation": "When it is hard to pass stools, or you go less often than usual.",
    "creatinine": "A waste product in the blood. The kidneys clear it, so its level shows how "
                  "well they work.",
    "CT": "A scan that uses X-rays and a computer to make detailed pictures of the body.",
    "denosumab": "A bone-strengthening medicine. It is given as an injection under the skin "
                 "every few weeks.",
    "dental check": "A visit where a dentist looks at your teeth and gums to find and treat "
                    "problems.",
    "dexamethasone": "A strong steroid medicine. It can bring down swelling around the "
                     "spinal cord.",
    "diabetes": "An illness where the level of sugar in the blood is too high.",
    "drip": "A way to give medicine or fluid slowly into a vein, through a small tube.",
    "dye": "A liquid put into a vein before some scans. It makes parts of the body show up "
           "more clearly.",
    "FDG": "A tracer that is a lot like sugar. Active cancer cells take up more of it.",
    "fraction": "One visit for radiotherapy. A course of treatment can be one fraction or a "
                "few.",
    "gland": "A part of the body that makes a fluid or a hormone.",
    "hormone": "A natural signal in the blood that tells parts of the body what to do.",
    "hormone therapy": "Medicines that lower a hormone, or block it, to slow a cancer that "
                       "needs that hormone to grow.",
    "hypercalcaemia": "Too much calcium in the blood. It can make you thirsty, sick, tired or "
                      "confused.",
    "immune system": "The parts of the body that fight germs, and that can also attack cancer "
                     "cells.",
    "immunotherapy": "Medicines that help your own immune system find and attack cancer "
                     "cells.",
    "infection": "When germs get into the body and cause illness, often with a fever.",
    "injection": "A way to give a medicine with a needle, into a vein, a muscle, or under the "
                 "skin.",
    "kidney": "One of the two organs that clean the blood and make urine.",
    "kidney function": "How well your kidneys clean your blood. A blood test checks it.",
    "kyphoplasty": "A treatment for a collapsed spine bone. A small balloon makes space, and "
                   "then bone cement fills it.",
    "laxative": "A medicine that helps you pass stools more easily.",
    "metastases": "More than one place where cancer has spread. This word is the plural of "
                  "metastasis.",
    "metastasis": "A place where cancer has spread from where it first started. Cancer in "
                  "the bone is one.",
    "Mirels score": "A score that helps judge how likely a long bone, such as the thigh bone, "
                    "is to break.",
    "morphine": "A strong pain medicine. It is one of the opioids.",
    "MRI": "A scan that uses a strong magnet and radio waves to take detailed pictures. It "
           "uses no X-rays.",
    "nerve": "A thin thread that carries messages between the brain and the body.",
    "oncologist": "A doctor who treats cancer.",
    "opioid": "A strong pain medicine, such as morphine.",
    "osteonecrosis of the jaw": "A rare problem where a patch of jaw bone does not heal and "
                                "can show through the gum.",
    "pacemaker": "A small device put under the skin that helps the heart keep a steady beat.",
    "palliative care": "Care that eases symptoms and helps you live as well as you can. You "
                       "can have it along with other treatment.",
    "pamidronate": "A bone-strengthening medicine. It is given by drip into a vein, every "
                   "few weeks.",
    "pelvis": "The ring of bones at the base of the spine. The hips join to it.",
    "performance status": "A short score that shows how much you can do in a normal day.",
    "PET": "A scan that shows where a tracer has gone in the body. It helps show where "
           "cancer is active.",
    "physiotherapist": "A health worker who helps you move, walk, and get stronger.",
    "prostate": "A small gland in men that sits below the bladder.",
    "prostate cancer": "Cancer that starts in the prostate. This is a small gland in men "
                       "that sits below the bladder.",
    "PSMA": "A marker on the outside of most prostate cancer cells. Some scans and "
            "treatments look for it.",
    "radiation": "Energy in the form of rays. In small doses it makes pictures. In large "
                 "doses it can kill cancer cells.",
    "radiation oncologist": "A cancer doctor who plans your radiotherapy. They also look after "
                            "you while you have it.",
    "radioactive": "Giving off radiation. Some tracers and medicines are made this way on "
                   "purpose.",
    "radiotherapy": "Treatment that uses aimed X-rays to kill cancer cells or stop them "
                    "growing.",
    "radium-223": "A radioactive medicine for some men with prostate cancer in the bones. It "
                  "is given into a vein.",
    "SINS": "A score that helps judge whether the spine is stable or at risk of moving out "
            "of place.",
    "skeleton": "All the bones of the body.",
    "spinal cord": "The bundle of nerves that runs down inside the spine. It carries messages "
                   "between the brain and the body.",
    "spine": "The stack of bones down the middle of your back. It holds you up and keeps "
             "the spinal cord safe.",
    "steroid": "A medicine that brings down swelling. Dexamethasone is one.",
    "surgeon": "A doctor who does operations.",
    "targeted therapy": "Medicines that block the signals some cancer cells need to grow.",
    "tracer": "A tiny amount of a substance put into a vein, so that a scan can follow it.",
    "tumour board": "A meeting where experts from many parts of cancer care talk about your "
                    "case. They plan your care together.",
    "vein": "A blood vessel that carries blood back to the heart. Drips and blood tests use "
            "a vein.",
    "vertebra": "One of the small bones that stack up to make the spine.",
    "vertebroplasty": "A treatment that puts bone cement into a collapsed spine bone through "
                      "a needle.",
    "vitamin D": "A vitamin that helps the body take in calcium and keep bones strong.",
    "X-ray": "A kind of ray that passes through the body to make a picture of the bones. In "
             "larger doses it can treat cancer.",
    "zoledronic acid": "A bone-strengthening medicine. It is given by drip into a vein every "
                       "few weeks or months.",
})


def iter_texts() -> Iterator[tuple[str, str]]:
    """Every patient-facing text with where it lives, such as ``treatment:surgery:title``."""
    for group, entries in (("treatment", TREATMENTS), ("investigation", INVESTIGATIONS)):
        for key, entry in entries.items():
            for field in fields(entry):
                yield f"{group}:{key}:{field.name}", getattr(entry, field.name)
    for number, (question, answer) in enumerate(FAQ, start=1):
        yield f"faq:{number}:question", question
        yield f"faq:{number}:answer", answer
    for term, explanation in GLOSSARY.items():
        yield f"glossary:{term}", explanation
