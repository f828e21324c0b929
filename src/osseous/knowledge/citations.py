"""The citation registry: every source that a score, table or rule names, by a stable id.

``osseous references`` prints this registry. Identifiers (DOI, PMID) are given where they were
checked against the publisher or PubMed record; ``url`` points to the label or guideline page
where the source is not a journal article.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from osseous.core.references import Citation

_C = Citation

_CITATIONS: Final = (
    # --- procedures ----------------------------------------------------------------------
    _C("piperno-neumann-2016", "Piperno-Neumann S, Le Deley MC, Redini F, et al. Zoledronate in "
       "combination with chemotherapy and surgery to treat osteosarcoma (OS2006): a randomised, "
       "multicentre, open-label, phase 3 trial. Lancet Oncol. 2016;17(8):1070-1080.",
       doi="10.1016/S1470-2045(16)30096-1"),
    _C("harrington-1981", "Harrington KD. The management of acetabular insufficiency secondary "
       "to metastatic malignant disease. J Bone Joint Surg Am. 1981;63(4):653-664."),
    _C("patel-2019-sir", "Patel IJ, Rahim S, Davidson JC, et al. Society of Interventional "
       "Radiology consensus guidelines for the periprocedural management of thrombotic and "
       "bleeding risk in patients undergoing percutaneous image-guided interventions - part II: "
       "recommendations. J Vasc Interv Radiol. 2019;30(8):1168-1184.",
       doi="10.1016/j.jvir.2019.04.017"),
    # --- scores --------------------------------------------------------------------------
    _C("fisher-2010", "Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for "
       "spinal instability in neoplastic disease: an evidence-based approach and expert consensus "
       "from the Spine Oncology Study Group. Spine (Phila Pa 1976). 2010;35(22):E1221-E1229.",
       doi="10.1097/BRS.0b013e3181e16ae2"),
    _C("fourney-2011", "Fourney DR, Frangou EM, Ryken TC, et al. Spinal instability neoplastic "
       "score: an analysis of reliability and validity from the Spine Oncology Study Group. "
       "J Clin Oncol. 2011;29(22):3072-3077.", doi="10.1200/JCO.2010.34.3897", pmid="21709187"),
    _C("mirels-1989", "Mirels H. Metastatic disease in long bones. A proposed scoring system for "
       "diagnosing impending pathologic fractures. Clin Orthop Relat Res. 1989;(249):256-264.",
       pmid="2684463"),
    _C("jawad-2010", "Jawad MU, Scully SP. In brief: classifications in brief: Mirels' "
       "classification: metastatic disease in long bones and impending pathologic fracture. "
       "Clin Orthop Relat Res. 2010;468(10):2825-2827.", doi="10.1007/s11999-010-1326-4"),
    _C("bilsky-2010", "Bilsky MH, Laufer I, Fourney DR, et al. Reliability analysis of the "
       "epidural spinal cord compression scale. J Neurosurg Spine. 2010;13(3):324-328.",
       doi="10.3171/2010.3.SPINE09459", pmid="20809724"),
    _C("tokuhashi-2005", "Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. A revised scoring "
       "system for preoperative evaluation of metastatic spine tumor prognosis. Spine (Phila Pa "
       "1976). 2005;30(19):2186-2191.", doi="10.1097/01.brs.0000180401.06919.a5",
       pmid="16205345"),
    _C("nice-cg75-2008", "National Institute for Health and Clinical Excellence. Metastatic "
       "spinal cord compression (CG75), 2008, appendix: revised Tokuhashi scoring system, "
       "reproduced with permission.",
       url="http://www.ncbi.nlm.nih.gov/pubmedhealth/PMH0032986/table/app3.t1/"),
    _C("tomita-2001", "Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. "
       "Surgical strategy for spinal metastases. Spine (Phila Pa 1976). 2001;26(3):298-306.",
       doi="10.1097/00007632-200102010-00016", pmid="11224867"),
    _C("bauer-1995", "Bauer HC, Wedin R. Survival after surgery for spinal and extremity "
       "metastases. Prognostication in 241 patients. Acta Orthop Scand. 1995;66(2):143-146.",
       pmid="7740944"),
    _C("leithner-2008", "Leithner A, Radl R, Gruber G, et al. Predictive value of seven "
       "preoperative prognostic scoring systems for spinal metastases. Eur Spine J. "
       "2008;17(11):1488-1495.", doi="10.1007/s00586-008-0763-1", pmid="18787846"),
    _C("katagiri-2014", "Katagiri H, Okada R, Takagi T, et al. New prognostic factors and "
       "scoring system for patients with skeletal metastasis. Cancer Med. 2014;3(5):1359-1367.",
       doi="10.1002/cam4.292", pmid="25044999"),
    _C("ghori-2015", "Ghori AK, Leonard DA, Schoenfeld AJ, et al. Modeling 1-year survival after "
       "surgery on the metastatic spine. Spine J. 2015;15(11):2345-2350.",
       doi="10.1016/j.spinee.2015.06.061"),
    _C("schoenfeld-2021", "Schoenfeld AJ, Ferrone ML, Schwab JH, et al. Prospective validation of "
       "a clinical prediction score for survival in patients with spinal metastases: the New "
       "England Spinal Metastasis Score. Spine J. 2021;21(1):28-36.",
       doi="10.1016/j.spinee.2020.02.009"),
    _C("chow-2008", "Chow E, Abdolell M, Panzarella T, et al. Predictive model for survival in "
       "patients with advanced cancer. J Clin Oncol. 2008;26(36):5863-5869.",
       doi="10.1200/JCO.2008.17.1363"),
    _C("mojica-marquez-2020", "Mojica-Marquez AE, et al. External validation of life expectancy "
       "prognostic models in patients evaluated for palliative radiotherapy at the end-of-life. "
       "Cancer Med. 2020;9(16):5781-5787 (PMC7433812).", url="https://pmc.ncbi.nlm.nih.gov/"
       "articles/PMC7433812"),
    _C("krishnan-2014", "Krishnan MS, Epstein-Peterson Z, Chen YH, et al. Predicting life "
       "expectancy in patients with metastatic cancer receiving palliative radiotherapy: the "
       "TEACHH model. Cancer. 2014;120(1):134-141.", doi="10.1002/cncr.28408"),
    _C("oken-1982", "Oken MM, Creech RH, Tormey DC, et al. Toxicity and response criteria of the "
       "Eastern Cooperative Oncology Group. Am J Clin Oncol. 1982;5(6):649-655.", pmid="7165009"),
    _C("karnofsky-1949", "Karnofsky DA, Burchenal JH. The clinical evaluation of "
       "chemotherapeutic agents in cancer. In: MacLeod CM, ed. Evaluation of Chemotherapeutic "
       "Agents. Columbia University Press; 1949:191-205."),
    _C("ma-2010", "Ma C, Bandukwala S, Burman D, et al. Interconversion of three measures of "
       "performance status: an empirical analysis. Eur J Cancer. 2010;46(18):3175-3183.",
       doi="10.1016/j.ejca.2010.06.126"),
    _C("prasad-2018", "Prasad KT, Kaur H, Muthu V, et al. Interconversion of two commonly used "
       "performance tools: an analysis of 5844 paired assessments in 1501 lung cancer patients. "
       "World J Clin Oncol. 2018;9(7):140-147 (PMC6230919).",
       url="https://pmc.ncbi.nlm.nih.gov/articles/PMC6230919"),
    _C("frankel-1969", "Frankel HL, Hancock DO, Hyslop G, et al. The value of postural reduction "
       "in the initial management of closed injuries of the spine with paraplegia and "
       "tetraplegia. Paraplegia. 1969;7(3):179-192.", doi="10.1038/sc.1969.30"),
    _C("laufer-2013", "Laufer I, Rubin DG, Lis E, et al. The NOMS framework: approach to the "
       "treatment of spinal metastatic tumors. Oncologist. 2013;18(6):744-751.",
       doi="10.1634/theoncologist.2012-0293", pmid="23709750"),
    _C("maranzano-1995", "Maranzano E, Latini P. Effectiveness of radiation therapy without "
       "surgery in metastatic spinal cord compression: final results from a prospective trial. "
       "Int J Radiat Oncol Biol Phys. 1995;32(4):959-967.", pmid="7607970"),
    # --- formulas ------------------------------------------------------------------------
    _C("cockcroft-1976", "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum "
       "creatinine. Nephron. 1976;16(1):31-41.", doi="10.1159/000180580", pmid="1244564"),
    _C("ctcae-5", "National Cancer Institute. Common Terminology Criteria for Adverse Events "
       "(CTCAE) version 5.0. US Department of Health and Human Services; 2017.",
       url="https://ctep.cancer.gov/protocoldevelopment/electronic_applications/ctc.htm"),
    _C("statpearls-hcm", "Zagzag J, Hu MI, Fisher SB, Perrier ND. Hypercalcemia and cancer: "
       "differential diagnosis and treatment. CA Cancer J Clin. 2018;68(5):377-386; and "
       "StatPearls, Malignancy-related hypercalcemia (PubMed 29494030).",
       url="https://www.ncbi.nlm.nih.gov/books/NBK482423/"),
    _C("young-1987", "Young DS. Implementation of SI units for clinical laboratory data. Style "
       "specifications and conversion tables. Ann Intern Med. 1987;106(1):114-129.",
       doi="10.7326/0003-4819-106-1-114"),
    _C("fowler-1989", "Fowler JF. The linear-quadratic formula and progress in fractionated "
       "radiotherapy. Br J Radiol. 1989;62(740):679-694.", doi="10.1259/0007-1285-62-740-679"),
    _C("icrp-eqd", "ICRP. Equieffective dose (EQDX), ICRPaedia.",
       url="https://icrpaedia.org/Equieffective_dose"),
    _C("kirkpatrick-2010", "Kirkpatrick JP, van der Kogel AJ, Schultheiss TE. Radiation dose-"
       "volume effects in the spinal cord. Int J Radiat Oncol Biol Phys. 2010;76(3 Suppl):"
       "S42-S49.", doi="10.1016/j.ijrobp.2009.04.095"),
    _C("nieder-2006", "Nieder C, Grosu AL, Andratschke NH, Molls M. Update of human spinal cord "
       "reirradiation tolerance based on additional data from 38 patients. Int J Radiat Oncol "
       "Biol Phys. 2006;66(5):1446-1449.", doi="10.1016/j.ijrobp.2006.07.1383", pmid="17084560"),
    _C("sahgal-2012", "Sahgal A, Ma L, Weinberg V, et al. Reirradiation human spinal cord "
       "tolerance for stereotactic body radiotherapy. Int J Radiat Oncol Biol Phys. "
       "2012;82(1):107-116.", doi="10.1016/j.ijrobp.2010.08.021"),
    _C("sahgal-2013", "Sahgal A, Weinberg V, Ma L, et al. Probabilities of radiation myelopathy "
       "specific to stereotactic body radiation therapy to guide safe practice. Int J Radiat "
       "Oncol Biol Phys. 2013;85(2):341-347.", doi="10.1016/j.ijrobp.2012.05.007"),
    _C("sahgal-2021-hytec", "Sahgal A, Chang JH, Ma L, et al. Spinal cord dose tolerance to "
       "stereotactic body radiation therapy. Int J Radiat Oncol Biol Phys. 2021;110(1):124-136.",
       doi="10.1016/j.ijrobp.2019.09.038", pmid="31606528"),
    _C("cdc-2022", "Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R. CDC clinical practice "
       "guideline for prescribing opioids for pain - United States, 2022. MMWR Recomm Rep. "
       "2022;71(3):1-95.", doi="10.15585/mmwr.rr7103a1"),
    _C("cdc-2016", "Dowell D, Haegerich TM, Chou R. CDC guideline for prescribing opioids for "
       "chronic pain - United States, 2016. JAMA. 2016;315(15):1624-1645.",
       doi="10.1001/jama.2016.1464"),
    _C("chow-2012", "Chow E, Hoskin P, Mitera G, et al. Update of the international consensus "
       "on palliative radiotherapy endpoints for future clinical trials in bone metastases. "
       "Int J Radiat Oncol Biol Phys. 2012;82(5):1730-1737.",
       doi="10.1016/j.ijrobp.2011.02.008"),
    _C("saito-2019", "Saito T, Toya R, Oya N. Pain response rates after conventional radiation "
       "therapy for bone metastases assessed using international consensus pain response "
       "endpoints: a systematic review and meta-analysis. Adv Radiat Oncol. 2019;4(4):562-567 "
       "(PMC6817531).", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC6817531"),
    # --- drug labels -----------------------------------------------------------------------
    _C("zometa-label", "Zometa (zoledronic acid) injection, US prescribing information, "
       "Novartis; and EU summary of product characteristics (renal dose table).",
       url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=zoledronic+acid"),
    _C("pamidronate-label", "Pamidronate disodium injection (Aredia), US prescribing "
       "information.", url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=pamidronate"),
    _C("xgeva-label", "Xgeva (denosumab) injection, US prescribing information, Amgen.",
       url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=xgeva"),
    _C("xofigo-label", "Xofigo (radium Ra 223 dichloride) injection, US prescribing information, "
       "Bayer (55 kBq/kg; decay-correction table).",
       url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=xofigo"),
    _C("mhra-radium-2018", "Medicines and Healthcare products Regulatory Agency. Radium-223 "
       "dichloride (Xofigo): restriction of use. Drug Safety Update, 2018."),
    _C("quadramet-label", "Quadramet (samarium Sm 153 lexidronam) injection, US prescribing "
       "information.", url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=quadramet"),
    _C("metastron-label", "Metastron (strontium-89 chloride) injection, US prescribing "
       "information.", url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=metastron"),
    _C("pluvicto-label", "Pluvicto (lutetium Lu 177 vipivotide tetraxetan) injection, US "
       "prescribing information, Novartis (2022; indication expanded 2025).",
       url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=pluvicto"),
    _C("calcitonin-label", "Miacalcin (calcitonin-salmon) injection, US prescribing "
       "information.", url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=miacalcin"),
    # --- guidelines and trials -------------------------------------------------------------
    _C("astro-2011", "Lutz S, Berk L, Chang E, et al. Palliative radiotherapy for bone "
       "metastases: an ASTRO evidence-based guideline. Int J Radiat Oncol Biol Phys. "
       "2011;79(4):965-976.", doi="10.1016/j.ijrobp.2010.11.026"),
    _C("astro-2017", "Lutz S, Balboni T, Jones J, et al. Palliative radiation therapy for bone "
       "metastases: update of an ASTRO evidence-based guideline. Pract Radiat Oncol. "
       "2017;7(1):4-12.", doi="10.1016/j.prro.2016.08.001"),
    _C("astro-2024", "Alcorn S, Cortes AA, Bradfield L, et al. External beam radiation therapy "
       "for palliation of symptomatic bone metastases: an ASTRO clinical practice guideline. "
       "Pract Radiat Oncol. 2024;14(5):377-397.", doi="10.1016/j.prro.2024.04.018",
       pmid="38788923"),
    _C("choosing-wisely-astro-2013", "American Society for Radiation Oncology. Choosing Wisely: "
       "five things physicians and patients should question (2013; updated 2017): do not "
       "routinely use extended fractionation schemes (>10 fractions) for palliation of bone "
       "metastases.", url="https://www.choosingwisely.org/"),
    _C("docetaxel-label", "Taxotere (docetaxel) injection, US prescribing information "
       "(contraindication: neutrophil counts below 1,500 cells/mm3; cabazitaxel, Jevtana, "
       "carries the same neutrophil limit).",
       url="https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=docetaxel"),
    _C("osseous-decisions", "Osseous project. Clinical decisions: the documented defaults the "
       "plan applies where the sources are silent (docs/clinical/decisions.md)."),
    _C("schnipper-2012-choosing-wisely", "Schnipper LE, Smith TJ, Raghavan D, et al. American "
       "Society of Clinical Oncology identifies five key opportunities to improve care and "
       "reduce costs: the top five list for oncology. J Clin Oncol. 2012;30(14):1715-1724 "
       "(item 1: no cancer-directed therapy for solid tumours with performance status 3-4).",
       doi="10.1200/JCO.2012.42.8375"),
    _C("sahgal-2021-sc24", "Sahgal A, Myrehaug SD, Siva S, et al. Stereotactic body radiotherapy "
       "versus conventional external beam radiotherapy in patients with painful spinal "
       "metastases: an open-label, multicentre, randomised, controlled, phase 2/3 trial "
       "(CCTG SC.24). Lancet Oncol. 2021;22(7):1023-1033.",
       doi="10.1016/S1470-2045(21)00196-0", pmid="34126044"),
    _C("ryu-2023-rtog0631", "Ryu S, Deshmukh S, Timmerman RD, et al. Stereotactic radiosurgery "
       "vs conventional radiotherapy for localized vertebral metastases of the spine: phase 3 "
       "results of NRG Oncology/RTOG 0631. JAMA Oncol. 2023;9(6):800-807.",
       doi="10.1001/jamaoncol.2023.0356"),
    _C("palma-2020-sabr-comet", "Palma DA, Olson R, Harrow S, et al. Stereotactic ablative "
       "radiotherapy for the comprehensive treatment of oligometastatic cancers: long-term "
       "results of the SABR-COMET phase II randomized trial. J Clin Oncol. "
       "2020;38(25):2830-2838.", doi="10.1200/JCO.20.00818"),
    _C("patchell-2005", "Patchell RA, Tibbs PA, Regine WF, et al. Direct decompressive surgical "
       "resection in the treatment of spinal cord compression caused by metastatic cancer: a "
       "randomised trial. Lancet. 2005;366(9486):643-648.",
       doi="10.1016/S0140-6736(05)66954-1", pmid="16112300"),
    _C("hoskin-2019-scorad", "Hoskin PJ, Hopkins K, Misra V, et al. Effect of single-fraction vs "
       "multifraction radiotherapy on ambulatory status among patients with spinal canal "
       "compression from metastatic cancer: the SCORAD randomized clinical trial. JAMA. "
       "2019;322(21):2084-2094.", doi="10.1001/jama.2019.17913"),
    _C("chow-2014-sc20", "Chow E, van der Linden YM, Roos D, et al. Single versus multiple "
       "fractions of repeat radiation for painful bone metastases: a randomised, controlled, "
       "non-inferiority trial. Lancet Oncol. 2014;15(2):164-171.",
       doi="10.1016/S1470-2045(13)70556-4"),
    _C("nice-ng234-2023", "National Institute for Health and Care Excellence. Spinal metastases "
       "and metastatic spinal cord compression (NG234). 2023.",
       url="https://www.nice.org.uk/guidance/ng234"),
    _C("sorensen-1994", "Sorensen PS, Helweg-Larsen S, Mouridsen H, Hansen HH. Effect of high-"
       "dose dexamethasone in carcinomatous metastatic spinal cord compression treated with "
       "radiotherapy: a randomised trial. Eur J Cancer. 1994;30A(1):22-27.",
       doi="10.1016/s0959-8049(05)80011-5"),
    _C("van-poznak-2017", "Van Poznak C, Somerfield MR, Barlow WE, et al. Role of bone-modifying "
       "agents in metastatic breast cancer: an American Society of Clinical Oncology-Cancer "
       "Care Ontario focused guideline update. J Clin Oncol. 2017;35(35):3978-3986.",
       doi="10.1200/JCO.2017.75.4614", pmid="29035643"),
    _C("van-poznak-2011", "Van Poznak CH, Temin S, Yee GC, et al. American Society of Clinical "
       "Oncology executive summary of the clinical practice guideline update on the role of "
       "bone-modifying agents in metastatic breast cancer. J Clin Oncol. 2011;29(9):1221-1227.",
       doi="10.1200/JCO.2010.32.5209"),
    _C("saylor-2020", "Saylor PJ, Rumble RB, Tagawa S, et al. Bone health and bone-targeted "
       "therapies for prostate cancer: ASCO endorsement of a Cancer Care Ontario guideline. "
       "J Clin Oncol. 2020;38(15):1736-1743.", doi="10.1200/JCO.19.03148"),
    _C("coleman-2020-esmo", "Coleman R, Hadji P, Body JJ, et al. Bone health in cancer: ESMO "
       "Clinical Practice Guidelines. Ann Oncol. 2020;31(12):1650-1663.",
       doi="10.1016/j.annonc.2020.07.019"),
    _C("himelstein-2017-calgb70604", "Himelstein AL, Foster JC, Khatcheressian JL, et al. Effect "
       "of longer-interval vs standard dosing of zoledronic acid on skeletal events in patients "
       "with bone metastases: a randomized clinical trial. JAMA. 2017;317(1):48-58.",
       doi="10.1001/jama.2016.19425"),
    _C("turner-2016-hypocalcaemia", "Turner J, Gittoes N, Selby P; Society for Endocrinology "
       "Clinical Committee. Society for Endocrinology endocrine emergency guidance: emergency "
       "management of acute hypocalcaemia in adult patients. Endocr Connect. 2016;5(5):G7-G8.",
       doi="10.1530/EC-16-0056"),
    _C("el-hajj-fuleihan-2023", "El-Hajj Fuleihan G, Clines GA, Hu MI, et al. Treatment of "
       "hypercalcemia of malignancy in adults: an Endocrine Society clinical practice "
       "guideline. J Clin Endocrinol Metab. 2023;108(3):507-528.",
       doi="10.1210/clinem/dgac621"),
    _C("harrington-1986", "Harrington KD. Impending pathologic fractures from metastatic "
       "malignancy: evaluation and management. Instr Course Lect. 1986;35:357-381.",
       pmid="3819423"),
    _C("aaos-2023", "American Academy of Orthopaedic Surgeons. Management of metastatic bone "
       "disease of the extremities: clinical practice guideline. 2023.",
       url="https://www.orthoguidelines.org/guideline-detail?id=1593"),
    _C("berenson-2011-cafe", "Berenson J, Pflugmacher R, Jarzem P, et al. Balloon kyphoplasty "
       "versus non-surgical fracture management for treatment of painful vertebral body "
       "compression fractures in patients with cancer: a multicentre, randomised controlled "
       "trial. Lancet Oncol. 2011;12(3):225-235.", doi="10.1016/S1470-2045(11)70008-0"),
    _C("kelekis-2017", "Kelekis A, Cornelis FH, Tutton S, Filippiadis D. Metastatic osseous "
       "pain control: bone ablation and cementoplasty. Semin Intervent Radiol. "
       "2017;34(4):328-336 (PMC5730439).", doi="10.1055/s-0037-1608822"),
    _C("dupuy-2010", "Dupuy DE, Liu D, Hartfeil D, et al. Percutaneous radiofrequency ablation "
       "of painful osseous metastases: a multicenter American College of Radiology Imaging "
       "Network trial. Cancer. 2010;116(4):989-997.", doi="10.1002/cncr.24837"),
    _C("callstrom-2013", "Callstrom MR, Dupuy DE, Solomon SB, et al. Percutaneous image-guided "
       "cryoablation of painful metastases involving bone: multicenter trial. Cancer. "
       "2013;119(5):1033-1041.", doi="10.1002/cncr.27793"),
    _C("hurwitz-2014-mrgfus", "Hurwitz MD, Ghanouni P, Kanaev SV, et al. Magnetic resonance-"
       "guided focused ultrasound for patients with painful bone metastases: phase III trial "
       "results. J Natl Cancer Inst. 2014;106(5):dju082 (basis of the 2012 FDA approval of "
       "ExAblate for patients who failed or cannot have radiotherapy).",
       doi="10.1093/jnci/dju082"),
    _C("parker-2013-alsympca", "Parker C, Nilsson S, Heinrich D, et al. Alpha emitter radium-223 "
       "and survival in metastatic prostate cancer. N Engl J Med. 2013;369(3):213-223.",
       doi="10.1056/NEJMoa1213755"),
    _C("smith-2019-era223", "Smith M, Parker C, Saad F, et al. Addition of radium-223 to "
       "abiraterone acetate and prednisone or prednisolone in patients with castration-"
       "resistant prostate cancer and bone metastases (ERA 223). Lancet Oncol. "
       "2019;20(3):408-419.", doi="10.1016/S1470-2045(18)30860-X"),
    _C("sartor-2021-vision", "Sartor O, de Bono J, Chi KN, et al. Lutetium-177-PSMA-617 for "
       "metastatic castration-resistant prostate cancer. N Engl J Med. 2021;385(12):1091-1103.",
       doi="10.1056/NEJMoa2107322"),
    _C("van-der-linden-2004", "van der Linden YM, Dijkstra PD, Kroon HM, et al. Comparative "
       "analysis of risk factors for pathological fracture with femoral metastases. J Bone "
       "Joint Surg Br. 2004;86(4):566-573 (Dutch Bone Metastasis Study: axial cortical "
       "involvement > 30 mm).", pmid="15174555"),
    _C("who-2018-cancer-pain", "World Health Organization. WHO guidelines for the "
       "pharmacological and radiotherapeutic management of cancer pain in adults and "
       "adolescents. Geneva: WHO; 2018. ISBN 978-92-4-155039-0."),
    _C("fallon-2018-esmo-pain", "Fallon M, Giusti R, Aielli F, et al. Management of cancer pain "
       "in adult patients: ESMO Clinical Practice Guidelines. Ann Oncol. 2018;29(Suppl 4):"
       "iv166-iv191.", doi="10.1093/annonc/mdy152"),
    _C("gennari-2021-esmo-breast", "Gennari A, Andre F, Barrios CH, et al. ESMO Clinical "
       "Practice Guideline for the diagnosis, staging and treatment of patients with "
       "metastatic breast cancer. Ann Oncol. 2021;32(12):1475-1495.",
       doi="10.1016/j.annonc.2021.09.019", pmid="34678411"),
    _C("parker-2020-esmo-prostate", "Parker C, Castro E, Fizazi K, et al. Prostate cancer: ESMO "
       "Clinical Practice Guidelines for diagnosis, treatment and follow-up. Ann Oncol. "
       "2020;31(9):1119-1134."),
    _C("hendriks-2023-esmo-nsclc-oncogene", "Hendriks LE, Kerr KM, Menis J, et al. Oncogene-"
       "addicted metastatic non-small-cell lung cancer: ESMO Clinical Practice Guideline for "
       "diagnosis, treatment and follow-up. Ann Oncol. 2023;34(4):339-357."),
    _C("hendriks-2023-esmo-nsclc", "Hendriks LE, Kerr KM, Menis J, et al. Non-oncogene-addicted "
       "metastatic non-small-cell lung cancer: ESMO Clinical Practice Guideline for diagnosis, "
       "treatment and follow-up. Ann Oncol. 2023;34(4):358-376."),
    _C("escudier-2019-esmo-rcc", "Escudier B, Porta C, Schmidinger M, et al. Renal cell "
       "carcinoma: ESMO Clinical Practice Guidelines for diagnosis, treatment and follow-up. "
       "Ann Oncol. 2019;30(5):706-720."),
    _C("dimopoulos-2021-myeloma", "Dimopoulos MA, Moreau P, Terpos E, et al. Multiple myeloma: "
       "EHA-ESMO Clinical Practice Guidelines for diagnosis, treatment and follow-up. "
       "HemaSphere. 2021;5(2):e528 (also Ann Oncol. 2021;32(3):309-322).",
       doi="10.1097/HS9.0000000000000528", pmid="33554050"),
    _C("morris-2024-psmafore", "Morris MJ, Castellano D, Herrmann K, et al. 177Lu-PSMA-617 "
       "versus a change of androgen receptor pathway inhibitor therapy for taxane-naive "
       "patients with progressive metastatic castration-resistant prostate cancer (PSMAfore): "
       "a phase 3, randomised, controlled trial. Lancet. 2024;404(10459):1227-1239.",
       doi="10.1016/S0140-6736(24)01653-2", pmid="39293462"),
    _C("ryan-2022-cirse-ablation", "Ryan A, Byrne C, Pusceddu C, Buy X, Tsoumakidou G, "
       "Filippiadis D. CIRSE standards of practice on thermal ablation of bone tumours. "
       "Cardiovasc Intervent Radiol. 2022;45(5):591-605.",
       doi="10.1007/s00270-022-03126-x", pmid="35348870"),
    _C("tsoumakidou-2017-cirse-augmentation", "Tsoumakidou G, Too CW, Koch G, et al. CIRSE "
       "guidelines on percutaneous vertebral augmentation. Cardiovasc Intervent Radiol. "
       "2017;40(3):331-342.", doi="10.1007/s00270-017-1574-8"),
)

CITATIONS: Final[MappingProxyType[str, Citation]] = MappingProxyType(
    {c.id: c for c in _CITATIONS}
)


def cite(*ids: str) -> tuple[str, ...]:
    """Return ``ids`` after checking each is in the registry (a typo fails at import time)."""
    for i in ids:
        if i not in CITATIONS:
            raise KeyError(f"unknown citation id {i!r}")
    return ids
