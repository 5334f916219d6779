"""The demo portfolio: five projects from the seed documents, uploaded as several versions.

The content is drawn from the five public documents the product was designed from (Østre Toten's
OU project part 2, Askøy's Tillitsmodellen, NTNU's BOTT ØL roll-out and BEVISST plan, Åmot's
reorganisation), with their dates moved into 2025–2027 so that the demo is live on
`TODAY` (2026-11-26): evaluations are overdue, due soon and planned; milestones are done, late
and ahead; risks rise, fall, close and appear between uploads.

Each project is described once, as rows that appear on a date (`since`), may disappear
(`until`) and change on later dates (`changes`). An upload is the state of its projects on its
date, so the versions read like the workbooks the leaders actually sent in over the year. The
workbooks are written with the real exporter and loaded through the real pipeline, so the demo
is validated exactly like an upload from a person.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.contract import PROJECT_COLUMN, SHEETS
from lib.exports import write_export
from lib.ingest import load_file
from lib.queries import latest_version
from lib.store import StoreError, default_db_path, lock_for_meeting

#: The day the demo is made to be shown on: every status of the evaluation plan occurs then.
TODAY = dt.date(2026, 11, 26)
#: The September status was the basis of the last steering-group meeting; locking it gives
#: "Endringer siden sist møte" something to show.
MEETING_UPLOAD = "Porteføljestatus 2026-09.xlsx"
MEETING = ("Styringsgruppemøte september 2026", dt.date(2026, 9, 24))

D = dt.date
Change = tuple[dt.date, Mapping[str, object]]


@dataclass(frozen=True)
class _Row:
    """One row of one sheet over time: known from `since`, gone from `until`."""

    values: Mapping[str, object]
    since: dt.date
    until: dt.date | None = None
    changes: tuple[Change, ...] = ()

    def at(self, day: dt.date) -> dict[str, object] | None:
        """The row as a workbook filled in on `day` shows it, or None when it is not there."""
        if self.since > day or (self.until is not None and self.until <= day):
            return None
        values = dict(self.values)
        for when, change in sorted(self.changes, key=lambda item: item[0]):
            if when <= day:
                values.update(change)
        return values


@dataclass(frozen=True)
class _Project:
    values: Mapping[str, object]  # the Prosjekter row
    since: dt.date  # first upload that may contain the project
    rows: Mapping[str, tuple[_Row, ...]] = field(default_factory=dict)  # sheet key -> rows

    @property
    def id(self) -> str:
        return str(self.values[PROJECT_COLUMN])


# ---------------------------------------------------------------------------------------------
# Row builders, one per sheet, with the contract's db names


def _risk(
    risk_id: str,
    title: str,
    probability: int,
    consequence: int,
    *,
    since: dt.date,
    description: str | None = None,
    category: str | None = None,
    measure: str | None = None,
    owner: str | None = None,
    deadline: dt.date | None = None,
    status: str = "Åpen",
    after: tuple[int, int] | None = None,
    changes: tuple[Change, ...] = (),
    until: dt.date | None = None,
) -> _Row:
    values = {
        "risiko_id": risk_id,
        "risiko": title,
        "beskrivelse": description,
        "kategori": category,
        "sannsynlighet": probability,
        "konsekvens": consequence,
        "tiltak": measure,
        "ansvarlig": owner,
        "frist": deadline,
        "status": status,
        "sannsynlighet_etter": after[0] if after else None,
        "konsekvens_etter": after[1] if after else None,
        "vurdert_dato": since,
    }
    # Every reassessment carries its own date.
    dated = tuple((when, {"vurdert_dato": when, **change}) for when, change in changes)
    return _Row(values, since, until, dated)


def _benefit(
    benefit_id: str,
    title: str,
    *,
    goal: str,
    indicator: str,
    unit: str,
    baseline: float,
    baseline_date: dt.date,
    target: float,
    target_date: dt.date,
    owner: str,
    qualitative: bool = False,
    since: dt.date | None = None,
) -> _Row:
    values = {
        "gevinst_id": benefit_id,
        "gevinst": title,
        "effektmal": goal,
        "type": "Kvalitativ" if qualitative else "Kvantitativ",
        "maleindikator": indicator,
        "enhet": unit,
        "nullpunkt": float(baseline),
        "nullpunktdato": baseline_date,
        "malverdi": float(target),
        "maldato": target_date,
        "gevinsteier": owner,
    }
    return _Row(values, since or baseline_date)


def _measurement(benefit_id: str, day: dt.date, value: float, comment: str | None = None) -> _Row:
    values = {"gevinst_id": benefit_id, "dato": day, "verdi": float(value), "kommentar": comment}
    return _Row(values, day)


def _recommendation(
    recommendation_id: str,
    title: str,
    decision: str,
    *,
    decided: dt.date,
    description: str | None = None,
    minutes: str | None = None,
    owner: str | None = None,
    implemented: dt.date | None = None,
    months: tuple[int, ...] = (6, 12),
    changes: tuple[Change, ...] = (),
) -> _Row:
    values = {
        "anbefaling_id": recommendation_id,
        "anbefaling": title,
        "beskrivelse": description,
        "vedtak": decision,
        "vedtaksdato": decided,
        "vedtakstekst": minutes,
        "ansvarlig": owner,
        "iverksatt": implemented,
        "evaluering": months,
    }
    return _Row(values, decided, changes=changes)


def _evaluation(
    recommendation_id: str,
    months: int,
    done: dt.date,
    result: str,
    by: str,
    comment: str,
) -> _Row:
    values = {
        "anbefaling_id": recommendation_id,
        "evaluering": months,
        "gjennomfort": done,
        "resultat": result,
        "evaluert_av": by,
        "kommentar": comment,
    }
    return _Row(values, done)


def _milestone(
    milestone_id: str,
    title: str,
    planned: dt.date,
    *,
    since: dt.date,
    criterion: str | None = None,
    forecast: dt.date | None = None,
    done: dt.date | None = None,
    owner: str | None = None,
    changes: tuple[Change, ...] = (),
) -> _Row:
    values = {
        "milepael_id": milestone_id,
        "milepael": title,
        "kriterium": criterion,
        "planlagt": planned,
        "prognose": forecast,
        "fullfort": done,
        "ansvarlig": owner,
    }
    return _Row(values, since, changes=changes)


def _project(
    project_id: str,
    name: str,
    *,
    program: str,
    unit: str,
    owner: str,
    leader: str,
    start: dt.date,
    end: dt.date,
    since: dt.date,
    risks: tuple[_Row, ...],
    benefits: tuple[_Row, ...],
    measurements: tuple[_Row, ...],
    recommendations: tuple[_Row, ...],
    evaluations: tuple[_Row, ...],
    milestones: tuple[_Row, ...],
) -> _Project:
    values = {
        "prosjekt_id": project_id,
        "prosjektnavn": name,
        "program": program,
        "enhet": unit,
        "prosjekteier": owner,
        "prosjektleder": leader,
        "startdato": start,
        "sluttdato": end,
    }
    rows = {
        "risiko": risks,
        "gevinster": benefits,
        "malinger": measurements,
        "anbefalinger": recommendations,
        "evalueringer": evaluations,
        "milepaeler": milestones,
    }
    return _Project(values, since, rows)


# ---------------------------------------------------------------------------------------------
# Østre Toten kommune: OU-prosjektet del 2 (seed 004). The project ended with its final report;
# the steering group now follows up the eight recommendations on cross-disciplinary work
# (decided 17.12) and the decisions on duplicated tasks (D1–D4).

_OTK_START = D(2025, 1, 6)

OTK_OU2 = _project(
    "OTK-OU2",
    "OU del 2 – Østre Toten",
    program="Organisasjonsutvikling",
    unit="Fellestjenester",
    owner="Kommunedirektør",
    leader="Gudrun Fodstad, HR-rådgiver",
    start=_OTK_START,
    end=D(2026, 1, 31),
    since=_OTK_START,
    risks=(
        _risk(
            "R1",
            "Beslutninger i ledergruppen uteblir",
            4,
            4,
            since=_OTK_START,
            description="Prosjektet venter på avklaringer fra kommunedirektørens ledergruppe.",
            category="Styring",
            measure="Faste beslutningspunkter i ledergruppens møteplan",
            owner="Kommunedirektør",
            deadline=D(2026, 3, 1),
            status="Under arbeid",
            after=(2, 4),
            changes=((D(2026, 6, 19), {"sannsynlighet": 3}),),
        ),
        _risk(
            "R2",
            "Uklar ansvarsdeling mellom prosjekt og linje",
            4,
            3,
            since=_OTK_START,
            description="Uklart hvilke oppgaver OU del 2 leverer og hva kommunalområdene tar.",
            category="Styring",
            measure="Oversikt over gjenstående oppgaver med ansvarlig kommunalområde",
            owner="Prosjektleder",
            deadline=D(2026, 2, 28),
            status="Under arbeid",
            after=(2, 3),
        ),
        _risk(
            "R3",
            "Delegeringsreglementet blir ikke ferdig",
            4,
            3,
            since=_OTK_START,
            description="Økonomidelen gjenstår og venter på kartleggingen av rådgivere.",
            category="Leveranse",
            measure="Kommunedirektør og økonomisjef lager fremdriftsplan",
            owner="Økonomisjef",
            deadline=D(2026, 3, 31),
            status="Under arbeid",
            changes=((D(2026, 9, 18), {"sannsynlighet": 5, "frist": D(2027, 2, 1)}),),
        ),
        _risk(
            "R4",
            "Styringsgruppen mister kontinuitet",
            3,
            3,
            since=_OTK_START,
            description="Kommunalsjef for fellestjenester har sluttet.",
            category="Organisasjon",
            measure="HR-sjef går inn i styringsgruppen ut prosjektet",
            owner="Kommunedirektør",
            status="Under arbeid",
            changes=((D(2026, 6, 19), {"status": "Lukket", "sannsynlighet": 1}),),
        ),
        _risk(
            "R5",
            "Duplisering av oppgaver lever videre",
            3,
            3,
            since=_OTK_START,
            description="Oppgaven var for stor for OU del 2 og er ikke fullført.",
            category="Gevinst",
            measure="Dele i mindre prosesser; mindre oppgaver løses i linja",
            owner="Kommunalsjefene",
            changes=((D(2026, 11, 20), {"sannsynlighet": 4}),),
        ),
    ),
    benefits=(
        _benefit(
            "G1",
            "Ansatte kan BTI-modellen",
            goal="Innbyggerne får hjelp tidlig i innsatstrappa",
            indicator="Ansatte med gjennomført BTI-opplæring",
            unit="antall",
            baseline=0,
            baseline_date=D(2026, 1, 15),
            target=400,
            target_date=D(2026, 12, 31),
            owner="Kommunalsjef oppvekst og velferd",
            since=D(2026, 1, 15),
        ),
        _benefit(
            "G2",
            "Flere saker løses på nivå 1",
            goal="Effektiv og tidlig innsats lenger ned i innsatstrappa",
            indicator="Andel BTI-saker løst på nivå 1",
            unit="%",
            baseline=38,
            baseline_date=D(2025, 12, 31),
            target=55,
            target_date=D(2027, 6, 30),
            owner="Tjenesteområdeleder barn og familie",
            since=D(2026, 1, 15),
        ),
        _benefit(
            "G3",
            "Tydelige roller og myndighet",
            goal="Tydelig ansvar, roller og myndighet for alle ledernivåer",
            indicator="Ledernes vurdering av rolleklarhet (1–5)",
            unit="skala 1–5",
            baseline=2,
            baseline_date=D(2025, 2, 15),
            target=4,
            target_date=D(2026, 12, 31),
            owner="HR-sjef",
            qualitative=True,
        ),
        _benefit(
            "G4",
            "Helhetlig porteføljeoversikt",
            goal="Oversikt over ressurser, økonomi og prosjekter",
            indicator="Andel prosjekter registrert i prosjektportalen",
            unit="%",
            baseline=15,
            baseline_date=D(2025, 10, 1),
            target=90,
            target_date=D(2026, 12, 31),
            owner="Kommunalsjef samfunn og strategi",
        ),
    ),
    measurements=(
        _measurement("G1", D(2026, 3, 31), 85, "Første kull: helse og mestring"),
        _measurement("G1", D(2026, 5, 31), 160),
        _measurement("G1", D(2026, 8, 31), 250),
        _measurement("G1", D(2026, 10, 31), 340),
        _measurement("G1", D(2026, 11, 15), 372, "Skolene gjennomført"),
        _measurement("G2", D(2026, 4, 30), 40),
        _measurement("G2", D(2026, 8, 31), 43),
        _measurement("G2", D(2026, 10, 31), 44, "Få familieråd på nivå 1 ennå"),
        _measurement("G3", D(2025, 6, 15), 2),
        _measurement("G3", D(2026, 1, 15), 3, "Ledersamling januar"),
        _measurement("G3", D(2026, 9, 15), 3),
        _measurement("G4", D(2026, 1, 15), 35),
        _measurement("G4", D(2026, 4, 15), 55),
        _measurement("G4", D(2026, 9, 15), 78),
        _measurement("G4", D(2026, 11, 15), 86),
    ),
    recommendations=(
        _recommendation(
            "A1",
            "En dør inn for innbyggerne",
            "Utredes videre",
            decided=D(2025, 12, 17),
            description="Én enkel inngang til kommunen, sett i sammenheng med familiens hus.",
            minutes="«En dør inn» utredes videre av Fellestjenester.",
            owner="Fellestjenester",
            months=(3, 6, 12),
            changes=(
                (
                    D(2026, 6, 10),
                    {
                        "vedtak": "Støttes",
                        "vedtaksdato": D(2026, 6, 10),
                        "vedtakstekst": "Utredningen er behandlet. Ett innbyggertorg med "
                        "ett mottak og ett sentralbord etableres.",
                        "ansvarlig": "Tjenesteområdeleder administrasjon",
                        "iverksatt": D(2026, 9, 1),
                    },
                ),
            ),
        ),
        _recommendation(
            "A2",
            "Styrke koordinerende enhet",
            "Støttes",
            decided=D(2025, 12, 17),
            description="Enheten veileder koordinatorene og leder de mest komplekse sakene.",
            minutes="Anbefaling støttes. Kommunalsjefen vurderer egne ressurser.",
            owner="Kommunalsjef helse og mestring",
            implemented=D(2026, 2, 1),
        ),
        _recommendation(
            "A3",
            "Barnekoordinator i 100 % stilling",
            "Utredes videre",
            decided=D(2025, 12, 17),
            description="Stillingen deles 50/50 mellom helse og mestring og oppvekst og velferd.",
            minutes="Etter en ytterligere evaluering vurderer kommunalsjefene ressursene.",
            owner="Kommunalsjefene HM og OV",
        ),
        _recommendation(
            "A4",
            "Prioritere BTI – bedre tverrfaglig innsats",
            "Støttes",
            decided=D(2025, 12, 17),
            description="Opplæring i BTI-modellen i alle kommunalområder og en digital "
            "oversikt over forebyggende tiltak.",
            minutes="Anbefaling støttes.",
            owner="Kommunalsjef oppvekst og velferd",
            implemented=D(2026, 3, 1),
        ),
        _recommendation(
            "A5",
            "Felles team for BTI nivå 2 og 3",
            "Ikke støttet",
            decided=D(2025, 12, 17),
            description="Et forum på tvers av kommunalområdene med beslutningsmyndighet.",
            minutes="Vi bør ikke ha et fora, men det er kommunalsjefene som bestemmer.",
            owner="Kommunedirektørens ledergruppe",
            months=(3, 6, 12),
        ),
        _recommendation(
            "A6",
            "Familieråd i flere tjenester",
            "Støttes",
            decided=D(2025, 12, 17),
            description="Metodikken tas i bruk utover barneverntjenesten.",
            minutes="Anbefaling støttes.",
            owner="Tjenesteområdeleder barn og familie",
            implemented=D(2026, 6, 15),
        ),
        _recommendation(
            "A7",
            "Rådgivernettverk på systemnivå",
            "Støttes",
            decided=D(2025, 12, 17),
            description="Tverrfaglig nettverk for rådgivere; oppstart andre tertial 2026.",
            minutes="Anbefaling støttes.",
            owner="Tjenesteområdeleder strategi og utvikling",
        ),
        _recommendation(
            "A8",
            "Synliggjøre usynlig kompetanse",
            "Støttes",
            decided=D(2025, 12, 17),
            description="Store prosesser kunngjøres, og ansatte kan melde interesse via leder.",
            minutes="Anbefaling støttes.",
            owner="Kommunedirektørens ledergruppe",
            implemented=D(2026, 1, 15),
        ),
        _recommendation(
            "D1",
            "Onboarding for ledere og ansatte",
            "Støttes",
            decided=D(2025, 9, 19),
            minutes="Innspill godtatt med frister: 1.11 for ledere, 1.12 for øvrige ansatte.",
            owner="HR-sjef",
            implemented=D(2025, 11, 1),
            months=(3, 6, 12),
        ),
        _recommendation(
            "D2",
            "Rekruttering samlet i HR",
            "Støttes",
            decided=D(2025, 9, 19),
            description="En støttefunksjon i HR som bistår lederne ved ansettelser.",
            minutes="Innspill godtatt.",
            owner="HR-sjef",
            implemented=D(2026, 1, 1),
        ),
        _recommendation(
            "D3",
            "Inngående fakturaer",
            "Til orientering",
            decided=D(2025, 6, 18),
            minutes="Er orientert.",
            owner="Økonomisjef",
        ),
        _recommendation(
            "D4",
            "Bilordningen",
            "Ikke behandlet",
            decided=D(2025, 9, 19),
            minutes="Utsatt – tas videre i linja.",
            owner="Fellestjenester",
        ),
    ),
    evaluations=(
        _evaluation(
            "D1", 3, D(2026, 2, 5), "Oppnådd", "HR-sjef", "Alle nye ledere fikk onboarding."
        ),
        _evaluation(
            "D1",
            6,
            D(2026, 5, 12),
            "Delvis oppnådd",
            "HR-sjef",
            "Ansatte i turnus rekker ikke kurset i arbeidstiden.",
        ),
        _evaluation(
            "D1",
            12,
            D(2026, 11, 12),
            "Oppnådd",
            "HR-sjef",
            "Fast onboardingplan i alle kommunalområder.",
        ),
        _evaluation(
            "A8",
            6,
            D(2026, 8, 20),
            "Oppnådd",
            "Kommunedirektør",
            "Tre store prosesser kunngjort; 41 ansatte meldte interesse.",
        ),
        _evaluation(
            "A2",
            6,
            D(2026, 8, 27),
            "Delvis oppnådd",
            "Kommunalsjef helse og mestring",
            "Flere koordinatorer er opplært, men enheten leder få saker selv.",
        ),
        _evaluation(
            "D2",
            6,
            D(2026, 9, 10),
            "Ikke oppnådd",
            "HR-sjef",
            "Støttefunksjonen er ikke bemannet; lederne rekrutterer selv.",
        ),
    ),
    milestones=(
        _milestone(
            "M1",
            "OU del 1 arkivert",
            D(2025, 3, 31),
            since=_OTK_START,
            criterion="Rapportene ligger i digitalt arkiv; kommunikasjonsplan godkjent",
            done=D(2025, 3, 18),
            owner="Prosjektleder",
        ),
        _milestone(
            "M2",
            "NAV-plassering besluttet",
            D(2025, 6, 18),
            since=_OTK_START,
            criterion="Vedtak i styringsgruppen; verktøykassen levert",
            done=D(2025, 6, 18),
            owner="Styringsgruppen",
        ),
        _milestone(
            "M3",
            "Håndbok for porteføljestyring",
            D(2025, 9, 19),
            since=_OTK_START,
            criterion="Oppstart i samfunn og strategi",
            done=D(2025, 10, 1),
            owner="Kommunalsjef samfunn og strategi",
        ),
        _milestone(
            "M4",
            "Delegeringsreglement revidert",
            D(2025, 12, 17),
            since=_OTK_START,
            criterion="Også økonomidelen er vedtatt",
            forecast=D(2026, 3, 31),
            owner="Kommunedirektør",
            changes=(
                (D(2026, 6, 19), {"prognose": D(2026, 10, 30)}),
                (D(2026, 9, 18), {"prognose": D(2027, 2, 1)}),
            ),
        ),
        _milestone(
            "M5",
            "Rådgiverbehov kartlagt",
            D(2025, 6, 18),
            since=_OTK_START,
            criterion="Behov kartlagt per kommunalområde",
            forecast=D(2026, 4, 30),
            owner="Kommunalsjefene",
            changes=(
                (D(2026, 6, 19), {"prognose": D(2026, 10, 30)}),
                (D(2026, 11, 20), {"fullfort": D(2026, 11, 12)}),
            ),
        ),
        _milestone(
            "M6",
            "Sluttrapport behandlet",
            D(2026, 1, 14),
            since=_OTK_START,
            criterion="Styringsgruppen har behandlet sluttrapporten",
            done=D(2026, 1, 14),
            owner="Prosjektleder",
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# Askøy kommune: Tillitsmodellen (seed 003), part of the programme Aktiv og trygg omsorg.

_ASK_START = D(2025, 9, 1)
_ASK_REVIEW = D(2026, 6, 26)  # the project leader's risk review before the summer

ASK_TM = _project(
    "ASK-TM",
    "Tillitsmodellen – Askøy",
    program="Aktiv og trygg omsorg – hele livet",
    unit="Levekår",
    owner="Anne Kjersti Drange, fagsjef Helse og omsorg",
    leader="Silje Solvang Nese",
    start=_ASK_START,
    end=D(2027, 3, 31),
    since=_ASK_START,
    risks=(
        _risk(
            "R1",
            "Forventningsgap hos brukere og pårørende",
            4,
            4,
            since=_ASK_START,
            description="Uklart skille mellom hva kommunen gir og hva pårørende forventer.",
            category="Brukere",
            measure="Trepartssamtaler med bruker, pårørende og kommune; tydelige kriterier",
            owner="Prosjektleder",
            deadline=D(2026, 10, 30),
            status="Under arbeid",
            after=(3, 3),
        ),
        _risk(
            "R2",
            "Daglig drift fortrenger utviklingsarbeidet",
            3,
            4,
            since=_ASK_START,
            description="Hjemmetjenesten har lite tid til piloten.",
            category="Kapasitet",
            measure="Avsatt tid i turnus for pilotteamet",
            owner="Leder hjemmetjenesten",
            changes=(
                (
                    _ASK_REVIEW,
                    {
                        "sannsynlighet": 5,
                        "status": "Under arbeid",
                        "beskrivelse": "Vakanser og sommerferie i hjemmetjenesten.",
                        "tiltak": "Frikjøp av fagansvarlig sykepleier 20 % i piloten",
                        "frist": D(2026, 9, 30),
                        "sannsynlighet_etter": 3,
                        "konsekvens_etter": 3,
                    },
                ),
                (D(2026, 11, 20), {"sannsynlighet": 4}),
            ),
        ),
        _risk(
            "R3",
            "Mangler verktøy for utmåling",
            4,
            3,
            since=_ASK_START,
            description="Utmålingsverktøy og tildelingskriterier mangler.",
            category="Fag",
            measure="Utarbeide tildelingskriterier sammen med saksbehandlerne",
            owner="Saksbehandler Helse og omsorg",
            deadline=D(2026, 5, 31),
            changes=((_ASK_REVIEW, {"sannsynlighet": 2, "status": "Under arbeid"}),),
        ),
        _risk(
            "R4",
            "Motstand mot ny arbeidsform",
            3,
            3,
            since=_ASK_START,
            description="Ansatte er vant til tids- og vedtaksstyrte tjenester.",
            category="Kultur",
            measure="Involvere tillitsvalgte og verneombud; opplæring i piloten",
            owner="Leder hjemmetjenesten",
            changes=((_ASK_REVIEW, {"status": "Lukket", "sannsynlighet": 1}),),
        ),
        _risk(
            "R5",
            "Lav brukermedvirkning",
            3,
            3,
            since=_ASK_START,
            category="Brukere",
            measure="Referansegruppe med brukere og pårørende",
            owner="Prosjektleder",
        ),
        _risk(
            "R6",
            "Fagsystemet støtter ikke fleksible vedtak",
            4,
            3,
            since=_ASK_REVIEW,
            description="Dokumentasjonskravene passer dårlig med tillitsmodellen.",
            category="Teknologi",
            measure="Avklare fleksible vedtaksmaler med leverandøren",
            owner="Fagsjef Helse og omsorg",
            deadline=D(2026, 12, 15),
            changes=((D(2026, 11, 20), {"sannsynlighet": 3, "status": "Under arbeid"}),),
        ),
    ),
    benefits=(
        _benefit(
            "G1",
            "Kortere tid fra søknad til tjeneste",
            goal="Riktige tjenester til rett tid",
            indicator="Saksbehandlingstid for hjemmetjenester",
            unit="dager",
            baseline=21,
            baseline_date=D(2025, 9, 15),
            target=10,
            target_date=D(2027, 3, 31),
            owner="Fagsjef Helse og omsorg",
            since=_ASK_START,
        ),
        _benefit(
            "G2",
            "Flere bor lenger hjemme",
            goal="Brukere bor lenger i egen bolig",
            indicator="Andel over 80 år som bor hjemme",
            unit="%",
            baseline=88.5,
            baseline_date=D(2025, 9, 30),
            target=91,
            target_date=D(2027, 12, 31),
            owner="Fagsjef Helse og omsorg",
            since=_ASK_START,
        ),
        _benefit(
            "G3",
            "Økt brukermedvirkning",
            goal="Fra «bruker i fokus» til «brukerens fokus»",
            indicator="Brukerundersøkelse: opplevd medvirkning (1–5)",
            unit="skala 1–5",
            baseline=2,
            baseline_date=D(2025, 10, 15),
            target=4,
            target_date=D(2027, 3, 31),
            owner="Prosjektleder",
            qualitative=True,
            since=_ASK_START,
        ),
        _benefit(
            "G4",
            "Færre vedtakstimer per bruker",
            goal="Effektiv ressursutnyttelse",
            indicator="Vedtakstimer hjemmesykepleie per bruker",
            unit="timer/uke",
            baseline=6.2,
            baseline_date=D(2025, 9, 30),
            target=5.0,
            target_date=D(2026, 12, 31),
            owner="Leder hjemmetjenesten",
            since=_ASK_START,
        ),
    ),
    measurements=(
        _measurement("G1", D(2025, 12, 15), 19),
        _measurement("G1", D(2026, 3, 15), 17),
        _measurement("G1", D(2026, 6, 15), 15, "Vurderingsteamet i gang"),
        _measurement("G1", D(2026, 9, 15), 13),
        _measurement("G1", D(2026, 11, 15), 12),
        _measurement("G2", D(2026, 3, 31), 88.7),
        _measurement("G2", D(2026, 9, 30), 89.0),
        _measurement("G3", D(2026, 2, 15), 3),
        _measurement("G3", D(2026, 10, 15), 3, "Få svar fra pårørende"),
        _measurement("G4", D(2026, 1, 31), 6.1),
        _measurement("G4", D(2026, 4, 30), 6.2),
        _measurement("G4", D(2026, 7, 31), 6.0, "Sommervikarer"),
        _measurement("G4", D(2026, 10, 31), 5.9),
    ),
    recommendations=(
        _recommendation(
            "K1",
            "Pilot med vurderingsteam",
            "Støttes",
            decided=D(2026, 4, 29),
            description="Saksbehandler og fagansvarlig sykepleier vurderer sakene sammen.",
            minutes="Pilot i én avdeling i hjemmetjenesten, gradvis utvidelse.",
            owner="Leder hjemmetjenesten",
            implemented=D(2026, 5, 20),
            months=(3, 6),
        ),
        _recommendation(
            "K2",
            "Pilot i bolig for utviklingshemmede",
            "Utredes videre",
            decided=D(2026, 4, 29),
            minutes="Vurderes når første pilot er evaluert.",
            owner="Leder tjenester til utviklingshemmede",
        ),
    ),
    evaluations=(
        _evaluation(
            "K1",
            3,
            D(2026, 9, 2),
            "Delvis oppnådd",
            "Prosjektleder",
            "Kortere ventetid, men teamet mangler fysioterapeut.",
        ),
    ),
    milestones=(
        _milestone(
            "M1",
            "Tillitsmodellen definert",
            D(2026, 6, 30),
            since=_ASK_START,
            criterion="Endelig versjon visualisert av designer",
            done=D(2026, 6, 24),
            owner="Prosjektleder",
        ),
        _milestone(
            "M2",
            "Hovedprosesser prioritert",
            D(2026, 1, 30),
            since=_ASK_START,
            criterion="Dagens hovedprosesser er identifisert og prioritert",
            done=D(2026, 1, 28),
            owner="Prosjektgruppen",
        ),
        _milestone(
            "M3",
            "Dagens praksis kartlagt",
            D(2026, 2, 27),
            since=_ASK_START,
            criterion="Forbedringspunkter identifisert og prioritert",
            done=D(2026, 3, 20),
            owner="Prosjektgruppen",
        ),
        _milestone(
            "M4",
            "Vurderingsteam opprettet",
            D(2026, 5, 15),
            since=_ASK_START,
            criterion="Grunnlaget for ny praksis er lagt",
            done=D(2026, 5, 20),
            owner="Leder hjemmetjenesten",
        ),
        _milestone(
            "M5",
            "Pilot evaluert, team utvidet",
            D(2026, 10, 15),
            since=_ASK_START,
            criterion="Nye vurderingsteam etablert etter erfaringer fra piloten",
            owner="Prosjektleder",
            changes=(
                (_ASK_REVIEW, {"prognose": D(2026, 10, 30)}),
                (D(2026, 9, 18), {"prognose": D(2027, 1, 15)}),
            ),
        ),
        _milestone(
            "M6",
            "Samarbeidsmodell valgt",
            D(2026, 10, 30),
            since=_ASK_START,
            criterion="Alternative samarbeidsformer og arenaer vurdert",
            done=D(2026, 11, 5),
            owner="Prosjektgruppen",
        ),
        _milestone(
            "M7",
            "Samarbeidsarenaer etablert",
            D(2026, 12, 18),
            since=_ASK_START,
            criterion="Valgte samarbeidsformer er i bruk i teamene",
            owner="Leder hjemmetjenesten",
        ),
        _milestone(
            "M8",
            "Verktøy for utmåling i bruk",
            D(2027, 1, 29),
            since=_ASK_START,
            criterion="Verktøy for vurdering og utmåling er tilpasset og implementert",
            owner="Fagsjef Helse og omsorg",
            changes=((D(2026, 11, 20), {"prognose": D(2027, 2, 26)}),),
        ),
        _milestone(
            "M9",
            "Årshjul for forvaltning",
            D(2027, 1, 29),
            since=_ASK_START,
            criterion="Styringsverktøy for forvaltningen er i bruk",
            owner="Saksbehandler Helse og omsorg",
        ),
        _milestone(
            "M10",
            "Overført til linjen",
            D(2027, 3, 31),
            since=_ASK_START,
            criterion="Sluttrapport levert",
            owner="Prosjektleder",
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# NTNU: BOTT ØL roll-out at the Faculty of Medicine and Health Sciences (seed 000). The phase
# plan runs by week number; each milestone is due on the Friday of its last week.

_BOTT_START = D(2026, 4, 13)
_BOTT_NAME = "BOTT ØL – innføring ved MH"


def _week(week: int) -> dt.date:
    return dt.date.fromisocalendar(2026, week, 5)


NTNU_BOTT = _project(
    "NTNU-BOTT",
    _BOTT_NAME,
    program="BOTT ØL (økonomi og lønn)",
    unit="Fakultet for medisin og helsevitenskap",
    owner="Fakultetsdirektør MH",
    leader="Økonomisjef MH",
    start=_BOTT_START,
    end=D(2027, 1, 29),
    since=_BOTT_START,
    risks=(
        _risk(
            "R1",
            "Personavhengig tjeneste",
            4,
            3,
            since=_BOTT_START,
            description="Få kan rollen; sårbart ved fravær.",
            category="Organisasjon",
            measure="Faglig nettverk ved behov, deling på tvers og økt standardisering",
            owner="Økonomisjef MH",
            after=(2, 3),
        ),
        _risk(
            "R2",
            "Stor avstand til prosessansvarlig",
            3,
            3,
            since=_BOTT_START,
            description="Prosjektøkonomene står langt fra fagmiljøet.",
            category="Fag",
            measure="Standardisert opplæring; prosessrådgiver som bindeledd",
            owner="Prosessrådgiver",
        ),
        _risk(
            "R3",
            "Lite rom til å flytte ressurser",
            3,
            2,
            since=_BOTT_START,
            category="Ressurser",
            measure="Hyppig gjennomgang av strategiske bemanningsplaner",
            owner="HR-sjef MH",
        ),
        _risk(
            "R4",
            "Motstridende interesser i linjen",
            3,
            4,
            since=_BOTT_START,
            description="Prosessansvarlig og personalansvarlig trekker i ulike retninger.",
            category="Organisasjon",
            measure="Tett koordinering; prosessrådgiver som bindeledd",
            owner="Fakultetsdirektør MH",
            after=(2, 3),
        ),
        _risk(
            "R5",
            "Prosjektøkonomer under 50 % i rollen",
            4,
            4,
            since=_BOTT_START,
            description="Ikke alle har minst halvparten av oppgavene i prosjektøkonomi.",
            category="Organisasjon",
            measure="Rendyrke prosjektøkonomrollen for to ansatte",
            owner="Økonomisjef MH",
            deadline=D(2026, 9, 30),
            after=(2, 3),
            changes=(
                (D(2026, 9, 18), {"sannsynlighet": 3, "status": "Under arbeid"}),
                (D(2026, 11, 20), {"sannsynlighet": 2}),
            ),
        ),
        _risk(
            "R6",
            "Innkjøper i Gjøvik under 50 %",
            5,
            3,
            since=_BOTT_START,
            description="Færre enn fem innkjøp per dag i dag.",
            category="Organisasjon",
            measure="Bestillerenheten overtar innkjøp for Gjøvik",
            owner="Leder bestillerenheten",
            changes=(
                (
                    D(2026, 9, 18),
                    {"status": "Lukket", "sannsynlighet_etter": 1, "konsekvens_etter": 3},
                ),
            ),
        ),
        _risk(
            "R7",
            "Kort frist for innmelding av roller",
            4,
            4,
            since=_BOTT_START,
            description="Antall roller skal meldes til sentral prosjektledelse innen 27. mai.",
            category="Tid",
            measure="Estimere antall roller, ikke navn",
            owner="HR-sjef MH",
            deadline=D(2026, 5, 27),
            until=D(2026, 9, 18),
        ),
        _risk(
            "R8",
            "Opplæring kolliderer med årsoppgjøret",
            4,
            4,
            since=D(2026, 9, 18),
            description="Ansatte i økonomi har lite tid i desember.",
            category="Kapasitet",
            measure="Opptak av kurs; opplæringen fordeles over flere uker",
            owner="HR-sjef MH",
            deadline=D(2026, 12, 15),
            status="Under arbeid",
            after=(3, 3),
        ),
    ),
    benefits=(
        _benefit(
            "G1",
            "Alle BOTT-roller bemannet",
            goal="Klar organisasjon når systemet tas i bruk",
            indicator="Andel roller med innplassert ansatt",
            unit="%",
            baseline=0,
            baseline_date=D(2026, 5, 27),
            target=100,
            target_date=D(2026, 12, 15),
            owner="HR-sjef MH",
            since=_BOTT_START,
        ),
        _benefit(
            "G2",
            "Kortere svartid i lønn og HR",
            goal="Raskere responstid for kjernevirksomheten",
            indicator="Svartid på henvendelser til tjenestesenteret",
            unit="dager",
            baseline=5,
            baseline_date=D(2026, 6, 1),
            target=2,
            target_date=D(2027, 12, 31),
            owner="Fakultetsdirektør MH",
            since=_BOTT_START,
        ),
        _benefit(
            "G3",
            "Ansatte meldt til opplæring",
            goal="Alle i nye roller er opplært før 1. januar",
            indicator="Ansatte påmeldt opplæring",
            unit="antall",
            baseline=0,
            baseline_date=D(2026, 9, 1),
            target=120,
            target_date=D(2026, 10, 16),
            owner="HR-sjef MH",
            since=D(2026, 9, 18),
        ),
    ),
    measurements=(
        _measurement("G1", D(2026, 6, 30), 20),
        _measurement("G1", D(2026, 8, 31), 55),
        _measurement("G1", D(2026, 10, 9), 80, "Innplassering besluttet"),
        _measurement("G1", D(2026, 11, 13), 93),
        _measurement("G3", D(2026, 9, 15), 12),
        _measurement("G3", D(2026, 10, 9), 48),
        _measurement("G3", D(2026, 11, 13), 71, "Venter på svar fra tre institutt"),
    ),
    recommendations=(
        _recommendation(
            "B1",
            "Informasjon til LOSAM",
            "Til orientering",
            decided=D(2026, 5, 10),
            minutes="LOSAM tar saken til orientering.",
            owner="Fakultetsdirektør MH",
        ),
        _recommendation(
            "B2",
            "Tjenestesenter for lønn og HR",
            "Støttes",
            decided=D(2026, 4, 12),
            description="Lønn og lønnsnær HR samles i et felles tjenestesenter på nivå 1.",
            minutes="Styringsgruppen anbefaler rektor å fatte vedtak i tråd med løsningsforslaget.",
            owner="Sentralt innføringsprosjekt",
            months=(6, 12),
        ),
        _recommendation(
            "B3",
            "Prosjektøkonomer på instituttene",
            "Støttes",
            decided=D(2026, 4, 20),
            description="Fakultetet velger selv; minst 50 % av stillingen i prosjektøkonomi.",
            minutes="Innføres innenfor dagens handlingsrom for organisering.",
            owner="Økonomisjef MH",
            implemented=D(2026, 10, 1),
            months=(3, 6, 12),
        ),
        _recommendation(
            "B4",
            "Innkjøpere på fakultetet",
            "Støttes delvis",
            decided=D(2026, 4, 27),
            description="Innkjøpere i minst 50 % stilling; Gjøvik betjenes av bestillerenheten.",
            minutes="Støttes med endringer for Gjøvik.",
            owner="Leder bestillerenheten",
            implemented=D(2026, 9, 1),
        ),
        _recommendation(
            "B5",
            "Risikoanalyse og tiltaksplan",
            "Støttes",
            decided=D(2026, 4, 27),
            description="Implementeringen starter med en risikoanalyse og en tiltaksplan.",
            minutes="Vedtatt.",
            owner="Fakultetsdirektør MH",
            implemented=D(2026, 5, 4),
            months=(6,),
        ),
    ),
    evaluations=(
        _evaluation(
            "B5",
            6,
            D(2026, 11, 12),
            "Oppnådd",
            "Fakultetsdirektør MH",
            "Tiltaksplanen følges opp i hvert styringsgruppemøte.",
        ),
    ),
    milestones=(
        _milestone(
            "F1",
            "Detaljplanlegging",
            _week(18),
            since=_BOTT_START,
            criterion="Uke 16–18: team satt, klar til endring",
            done=D(2026, 4, 30),
            owner="Fakultetsdirektør MH",
        ),
        _milestone(
            "F2",
            "Kvalitetssikring av GAP og fakta",
            _week(19),
            since=_BOTT_START,
            criterion="Uke 17–19: tilstrekkelig innsikt for arbeidet",
            done=_week(19),
            owner="Økonomisjef MH",
        ),
        _milestone(
            "F3",
            "Roller meldt inn",
            D(2026, 5, 27),
            since=_BOTT_START,
            criterion="Uke 18–21: antall roller meldt til sentral prosjektledelse",
            done=D(2026, 5, 27),
            owner="HR-sjef MH",
        ),
        _milestone(
            "F4",
            "Informasjon til ansatte",
            _week(23),
            since=_BOTT_START,
            criterion="Uke 22–23: ny arbeidsorganisering formidlet; behandlet i LOSAM",
            done=D(2026, 6, 10),
            owner="Fakultetsdirektør MH",
        ),
        _milestone(
            "F5",
            "Kompetansekartlegging",
            _week(32),
            since=_BOTT_START,
            criterion="Uke 24–32: dokumentert innsikt i de ansattes kompetanse",
            done=D(2026, 8, 21),
            owner="HR-sjef MH",
        ),
        _milestone(
            "F6",
            "Vurdering av arbeidsoppgaver",
            _week(35),
            since=_BOTT_START,
            criterion="Uke 33–35: antatt fordeling av ansatte i nye roller",
            done=_week(36),
            owner="Instituttlederne",
        ),
        _milestone(
            "F7",
            "Omstillingssamtaler",
            _week(36),
            since=_BOTT_START,
            criterion="Uke 35–36: samtaler med berørte ansatte gjennomført",
            owner="Instituttlederne",
            changes=(
                (D(2026, 9, 18), {"prognose": D(2026, 9, 25)}),
                (D(2026, 11, 20), {"fullfort": D(2026, 10, 2)}),
            ),
        ),
        _milestone(
            "F8",
            "Beslutning om innplassering",
            _week(38),
            since=_BOTT_START,
            criterion="Uke 37–38: ansatte informert om innplassering",
            owner="Fakultetsdirektør MH",
            changes=(
                (D(2026, 9, 18), {"prognose": D(2026, 10, 9)}),
                (D(2026, 11, 20), {"fullfort": D(2026, 10, 9)}),
            ),
        ),
        _milestone(
            "F9",
            "Ansatte meldt til opplæring",
            _week(39),
            since=_BOTT_START,
            criterion="Uke 39: plan for implementering og løp for evaluering",
            owner="HR-sjef MH",
            changes=(
                (D(2026, 9, 18), {"prognose": D(2026, 10, 16)}),
                (D(2026, 11, 20), {"prognose": D(2026, 12, 4)}),
            ),
        ),
        _milestone(
            "F10",
            "Nytt økonomi- og lønnssystem i drift",
            D(2027, 1, 4),
            since=_BOTT_START,
            criterion="Roller og rutiner i bruk fra første arbeidsdag",
            owner="Fakultetsdirektør MH",
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# NTNU: BEVISST plan, the budget and staffing tool (seed 002). Three semesters of roll-out; the
# evaluation of the first semester gave the recommendations E1–E7.

_BEVISST_START = D(2025, 8, 15)
_BEVISST_DECIDED = D(2026, 2, 25)

NTNU_BEVISST = _project(
    "NTNU-BEVISST",
    "BEVISST plan – innføring",
    program="BEVISST",
    unit="Avdeling for virksomhetsstyring",
    owner="Direktør for virksomhetsstyring",
    leader="Trude W. Bersvendsen",
    start=_BEVISST_START,
    end=D(2027, 2, 26),
    since=_BEVISST_START,
    risks=(
        _risk(
            "R1",
            "Ustabil dataflyt fra PAGA",
            4,
            4,
            since=_BEVISST_START,
            description="Daglig oppdatering til bemanningsplanen gir tall som flytter seg.",
            category="Data",
            measure="Standardisere registreringspraksis i PAGA",
            owner="HR- og HMS-avdelingen",
            status="Under arbeid",
            after=(3, 3),
            changes=((D(2026, 9, 18), {"sannsynlighet": 3}),),
        ),
        _risk(
            "R2",
            "Uklare lukke- og låsetidspunkter",
            4,
            3,
            since=_BEVISST_START,
            description="Data endres mens budsjettet kvalitetssikres.",
            category="Data",
            measure="Låste versjoner og faste frysetidspunkt",
            owner="Økonomiavdelingen",
            after=(2, 3),
            changes=((D(2026, 4, 15), {"sannsynlighet": 2, "status": "Under arbeid"}),),
        ),
        _risk(
            "R3",
            "Svak koordinering av bestillinger",
            3,
            3,
            since=_BEVISST_START,
            description="Bestillinger fra fellesadministrasjonen til fakultetene.",
            category="Styring",
            measure="Felles bestillingskalender for ØK, HR og VIRK",
            owner="Avdeling for virksomhetsstyring",
        ),
        _risk(
            "R4",
            "Brukere faller tilbake til Excel",
            2,
            3,
            since=_BEVISST_START,
            category="Bruk",
            measure="Opptak av kurs og superbrukere på hvert fakultet",
            owner="Innføringsteamet",
            changes=((D(2026, 9, 18), {"status": "Lukket", "sannsynlighet": 1}),),
        ),
        _risk(
            "R5",
            "Mange nye instituttledere",
            4,
            3,
            since=D(2026, 4, 15),
            description="Nye ledere skal læres opp samtidig med lederopplæringen.",
            category="Kapasitet",
            measure="Egne kurs for instituttledere; korte videoer i verktøyet",
            owner="Innføringsteamet",
            deadline=D(2026, 11, 20),
            changes=((D(2026, 11, 20), {"sannsynlighet": 5, "frist": D(2027, 1, 29)}),),
        ),
    ),
    benefits=(
        _benefit(
            "G1",
            "Planleggingsbrukerne mestrer verktøyet",
            goal="Alle som lager årsbudsjett bruker BEVISST plan",
            indicator="Deltakelser på basiskurs",
            unit="antall",
            baseline=0,
            baseline_date=D(2025, 8, 15),
            target=900,
            target_date=D(2026, 12, 31),
            owner="Trude W. Bersvendsen",
        ),
        _benefit(
            "G2",
            "Færre Excel-maler i budsjettarbeidet",
            goal="Én arbeidsprosess for budsjett og bemanningsplan",
            indicator="Excel-maler i bruk i budsjettprosessen",
            unit="antall",
            baseline=40,
            baseline_date=D(2025, 9, 1),
            target=5,
            target_date=D(2026, 12, 31),
            owner="Økonomiavdelingen",
            since=_BEVISST_START,
        ),
        _benefit(
            "G3",
            "Bedre teknisk kvalitet i budsjettene",
            goal="Planer og budsjett av minst like god kvalitet som før",
            indicator="Controllernes vurdering (1–5)",
            unit="skala 1–5",
            baseline=2,
            baseline_date=D(2025, 12, 18),
            target=4,
            target_date=D(2027, 2, 26),
            owner="Økonomiavdelingen",
            qualitative=True,
            since=_BEVISST_START,
        ),
        _benefit(
            "G4",
            "Aktive superbrukere",
            goal="Et godt læringsnettverk for superbrukerne",
            indicator="Aktive brukere i Teams-kanalen for superbrukere",
            unit="antall",
            baseline=0,
            baseline_date=D(2025, 11, 11),
            target=76,
            target_date=D(2026, 2, 8),
            owner="Økonomiavdelingen",
            since=_BEVISST_START,
        ),
    ),
    measurements=(
        _measurement("G1", D(2025, 10, 30), 310),
        _measurement("G1", D(2025, 12, 18), 642, "135 fysisk, 507 digitalt"),
        _measurement("G1", D(2026, 4, 30), 731),
        _measurement("G1", D(2026, 10, 30), 812, "Kurs for kontorsjefer"),
        _measurement("G2", D(2026, 1, 15), 31),
        _measurement("G2", D(2026, 6, 15), 27),
        _measurement("G2", D(2026, 10, 15), 24, "Lønnsbudsjett fortsatt i Excel"),
        _measurement("G3", D(2026, 2, 15), 3),
        _measurement("G3", D(2026, 9, 15), 3),
        _measurement("G4", D(2025, 12, 11), 58),
        _measurement("G4", D(2026, 2, 8), 76, "Alle i kanalen aktive"),
    ),
    recommendations=(
        _recommendation(
            "E1",
            "Videreføre basiskurs og leveransekurs",
            "Støttes",
            decided=_BEVISST_DECIDED,
            description="Samme metodikk: basiskurs, leveransekurs og oppfølging mot leveranse.",
            minutes="Anbefalingen støttes. Kursene tas opp og deles.",
            owner="Innføringsteamet",
            implemented=D(2026, 3, 1),
        ),
        _recommendation(
            "E2",
            "Team av HR og controllere",
            "Støttes",
            decided=_BEVISST_DECIDED,
            description="HR og controllere jobber tett med kontorsjefen.",
            minutes="Anbefalingen støttes.",
            owner="HR-sjefene og økonomisjefene",
            implemented=D(2026, 8, 1),
        ),
        _recommendation(
            "E3",
            "Videreføre nettverk for superbrukere",
            "Støttes",
            decided=_BEVISST_DECIDED,
            description="Et læringsnettverk for informasjons- og erfaringsdeling.",
            minutes="Anbefalingen støttes.",
            owner="Økonomiavdelingen",
            implemented=D(2026, 2, 15),
        ),
        _recommendation(
            "E4",
            "Årshjul for virksomhetsstyring",
            "Utredes videre",
            decided=_BEVISST_DECIDED,
            description="Roller og ansvar på alle nivå, med leveranser i et årshjul.",
            minutes="Utredes sammen med prosesseierne.",
            owner="Avdeling for virksomhetsstyring",
        ),
        _recommendation(
            "E5",
            "Teknisk kvalitetssjekk av budsjett",
            "Støttes delvis",
            decided=_BEVISST_DECIDED,
            description="En brukervennlig løsning for å sjekke teknisk kvalitet i budsjettene.",
            minutes="Støttes for budsjettsammenstilling først.",
            owner="Økonomiavdelingen",
            implemented=D(2026, 9, 15),
            months=(3, 6),
        ),
        _recommendation(
            "E6",
            "Låste versjoner og frysetidspunkt",
            "Støttes",
            decided=_BEVISST_DECIDED,
            description="Sterkere styring av lukke- og låsetidspunkter før kvalitetssikring.",
            minutes="Vedtatt.",
            owner="Økonomiavdelingen",
            implemented=D(2026, 3, 15),
        ),
        _recommendation(
            "E7",
            "Kurs i BOA-samspill",
            "Ikke behandlet",
            decided=_BEVISST_DECIDED,
            description="Et faglig kurs i samspillet mellom BOA og BFV.",
            minutes="Utsatt til neste møte.",
            owner="Økonomiavdelingen",
        ),
    ),
    evaluations=(
        _evaluation(
            "E1",
            6,
            D(2026, 9, 10),
            "Oppnådd",
            "Innføringsteamet",
            "Gode kursevalueringer; opptakene brukes mye.",
        ),
        _evaluation(
            "E6",
            6,
            D(2026, 10, 1),
            "Oppnådd",
            "Økonomiavdelingen",
            "Låsedagene ble holdt; færre endringer etter fristen.",
        ),
    ),
    milestones=(
        _milestone(
            "M1",
            "Basiskurs for planleggingsbrukere",
            D(2025, 10, 31),
            since=_BEVISST_START,
            criterion="Fem basiskurs gjennomført og tatt opp",
            done=D(2025, 10, 30),
            owner="Innføringsteamet",
        ),
        _milestone(
            "M2",
            "Årsbudsjett levert i BEVISST plan",
            D(2025, 12, 18),
            since=_BEVISST_START,
            criterion="Alle fakultet leverer årsbudsjett i verktøyet",
            done=D(2025, 12, 18),
            owner="Økonomiavdelingen",
        ),
        _milestone(
            "M3",
            "Delevaluering av høstens innføring",
            D(2026, 2, 13),
            since=_BEVISST_START,
            criterion="Evalueringsrapport lagt fram for styringsgruppen",
            forecast=D(2026, 2, 25),
            done=D(2026, 2, 24),
            owner="Trude W. Bersvendsen",
        ),
        _milestone(
            "M4",
            "Kontorsjefer opplært",
            D(2026, 6, 19),
            since=_BEVISST_START,
            criterion="Vårsemesteret: kontorsjefer bruker verktøyet i beslutninger",
            done=D(2026, 6, 19),
            owner="Innføringsteamet",
        ),
        _milestone(
            "M5",
            "Instituttledere opplært",
            D(2026, 11, 20),
            since=_BEVISST_START,
            criterion="Høstsemesteret: instituttledere bruker verktøyet",
            owner="Innføringsteamet",
            changes=((D(2026, 9, 18), {"prognose": D(2027, 1, 29)}),),
        ),
        _milestone(
            "M6",
            "Helhetlig evaluering",
            D(2027, 2, 26),
            since=_BEVISST_START,
            criterion="Evaluering etter tre semestre",
            owner="Trude W. Bersvendsen",
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# Åmot kommune: reorganising the administration (seed 001), milestones M1–M16 of phase 1 and
# the start of phase 2. Most of the benefits are qualitative, on the 1–5 scale.

_AMOT_START = D(2026, 3, 2)
_AMOT_DECIDED = D(2026, 6, 18)


def _amot_milestone(
    milestone_id: str,
    title: str,
    planned: dt.date,
    criterion: str | None,
    done: dt.date | None = None,
    owner: str = "Prosjektleder",
    changes: tuple[Change, ...] = (),
) -> _Row:
    return _milestone(
        milestone_id,
        title,
        planned,
        since=_AMOT_START,
        criterion=criterion,
        done=done,
        owner=owner,
        changes=changes,
    )


AMOT_ORG = _project(
    "AMOT-ORG",
    "Ny administrativ organisering – Åmot",
    program="Bedre ressursutnyttelse, kvalitet og effektivitet",
    unit="Rådmannens stab",
    owner="Randi Dørum, rådmann",
    leader="Personalsjef",
    start=_AMOT_START,
    end=D(2026, 12, 31),
    since=_AMOT_START,
    risks=(
        _risk(
            "R1",
            "Uro blant ansatte under omstillingen",
            4,
            4,
            since=_AMOT_START,
            category="Medarbeidere",
            measure="Medvirkning, kafédialog og tett informasjon",
            owner="Rådmann",
            status="Under arbeid",
            after=(3, 3),
            changes=((D(2026, 9, 18), {"sannsynlighet": 3}),),
        ),
        _risk(
            "R2",
            "Overtallighet ved innplassering",
            2,
            4,
            since=_AMOT_START,
            category="Medarbeidere",
            measure="Retningslinjer for nedbemanning (sak 11/7) følges",
            owner="Personalsjef",
        ),
        _risk(
            "R3",
            "For stramt tidsløp før sommeren",
            4,
            3,
            since=_AMOT_START,
            description="Drøfting, beslutning og innplassering på to uker i juni.",
            category="Tid",
            measure="Ekstra møter med tillitsvalgte; milepæl M8–M13 prioriteres",
            owner="Prosjektleder",
            deadline=D(2026, 6, 24),
            status="Under arbeid",
            changes=((D(2026, 9, 18), {"status": "Lukket", "sannsynlighet": 1}),),
        ),
        _risk(
            "R4",
            "Ledergruppen havner i driftssaker",
            4,
            4,
            since=D(2026, 9, 18),
            description="Den nye ledergruppen bruker tiden på løpende drift, ikke strategi.",
            category="Styring",
            measure="Strategisak på hvert ledermøte; driftssaker delegeres",
            owner="Rådmann",
            after=(2, 4),
        ),
        _risk(
            "R5",
            "Lederstøtte uten nok kompetanse",
            3,
            3,
            since=_AMOT_START,
            category="Kompetanse",
            measure="Kompetansekartlegging og lederutvikling for ledergruppen",
            owner="Personalsjef",
        ),
    ),
    benefits=(
        _benefit(
            "G1",
            "Mer strategisk ledelse",
            goal="God strategisk styring",
            indicator="Ledergruppens egenvurdering (1–5)",
            unit="skala 1–5",
            baseline=2,
            baseline_date=D(2026, 4, 10),
            target=4,
            target_date=D(2027, 6, 30),
            owner="Rådmann",
            qualitative=True,
            since=_AMOT_START,
        ),
        _benefit(
            "G2",
            "Tydeligere roller og ansvar",
            goal="Tydeliggjøre roller og ansvar",
            indicator="Medarbeiderundersøkelse: tydelige roller (1–5)",
            unit="skala 1–5",
            baseline=2,
            baseline_date=D(2026, 4, 10),
            target=4,
            target_date=D(2027, 6, 30),
            owner="Personalsjef",
            qualitative=True,
            since=_AMOT_START,
        ),
        _benefit(
            "G3",
            "Bedre arbeidskultur",
            goal="Bidra til bedre arbeidskultur",
            indicator="Medarbeiderundersøkelse: arbeidsmiljø (1–5)",
            unit="skala 1–5",
            baseline=3,
            baseline_date=D(2026, 4, 10),
            target=4,
            target_date=D(2027, 12, 31),
            owner="Personalsjef",
            qualitative=True,
            since=_AMOT_START,
        ),
        _benefit(
            "G4",
            "Liten strategisk ledergruppe",
            goal="Forenklet organisering",
            indicator="Medlemmer i rådmannens ledergruppe",
            unit="antall",
            baseline=12,
            baseline_date=D(2026, 3, 2),
            target=5,
            target_date=D(2026, 8, 19),
            owner="Rådmann",
        ),
        _benefit(
            "G5",
            "Mindre tid i driftsmøter",
            goal="Mer målrettet møtevirksomhet",
            indicator="Timer i ledermøter per måned",
            unit="timer/mnd",
            baseline=16,
            baseline_date=D(2026, 3, 2),
            target=8,
            target_date=D(2026, 12, 31),
            owner="Rådmann",
        ),
    ),
    measurements=(
        _measurement("G1", D(2026, 9, 15), 3),
        _measurement("G1", D(2026, 11, 15), 3),
        _measurement("G2", D(2026, 10, 15), 3),
        _measurement("G3", D(2026, 10, 15), 3, "Uro i overgangen"),
        _measurement("G4", D(2026, 6, 19), 8, "Ny plan besluttet"),
        _measurement("G4", D(2026, 8, 19), 6, "Ny organisasjon operativ"),
        _measurement("G5", D(2026, 5, 31), 15),
        _measurement("G5", D(2026, 9, 30), 12),
        _measurement("G5", D(2026, 11, 15), 10),
    ),
    recommendations=(
        _recommendation(
            "O1",
            "Ledergruppen som liten strategisk enhet",
            "Støttes",
            decided=_AMOT_DECIDED,
            description="Færre i ledergruppen; funksjoner flyttes ut til virksomhetene.",
            minutes="Vedtatt.",
            owner="Rådmann",
            implemented=D(2026, 8, 19),
            months=(3, 6, 12),
        ),
        _recommendation(
            "O2",
            "Mer delegering til virksomhetsledere",
            "Støttes delvis",
            decided=_AMOT_DECIDED,
            description="Ledere på alle nivå får mer ansvar og myndighet.",
            minutes="Støttes med endringer: økonomimyndighet vurderes i fase 2.",
            owner="Rådmann",
            implemented=D(2026, 8, 19),
        ),
        _recommendation(
            "O3",
            "Gjennomgang av politisk organisering",
            "Utredes videre",
            decided=_AMOT_DECIDED,
            description="Parallell gjennomgang av den politiske organisasjonsstrukturen.",
            minutes="Skal utredes i fase 2.",
            owner="Rådmann",
        ),
        _recommendation(
            "O4",
            "Bemanningsplan med rollebeskrivelser",
            "Støttes",
            decided=D(2026, 6, 19),
            description="Organisasjons- og bemanningsplan med rollebeskrivelse for hver stilling.",
            minutes="Besluttet av rådmannen etter drøfting med tillitsvalgte.",
            owner="Personalsjef",
            implemented=D(2026, 6, 24),
            months=(6,),
        ),
        _recommendation(
            "O5",
            "Retningslinjer ved overtallighet",
            "Til orientering",
            decided=_AMOT_DECIDED,
            description="Retningslinjer for nedbemanning (sak 11/7) brukes ved overtallighet.",
            minutes="Tatt til orientering.",
            owner="Personalsjef",
        ),
    ),
    evaluations=(),
    milestones=(
        _amot_milestone(
            "M1", "Ledersamling", D(2026, 4, 10), "Virksomhetslederne samlet", D(2026, 4, 10)
        ),
        _amot_milestone("M2", "Tillitsvalgte orientert", D(2026, 5, 4), "Orientert", D(2026, 5, 4)),
        _amot_milestone(
            "M3",
            "Kafédialog med ledergruppen",
            D(2026, 5, 13),
            "Dokumenter fra arbeidsgruppene foreligger",
            D(2026, 5, 13),
        ),
        _amot_milestone(
            "M4",
            "Rådmannens forslag lagt fram",
            D(2026, 6, 3),
            "Forslag presentert for innspill",
            D(2026, 6, 3),
            owner="Rådmann",
        ),
        _amot_milestone(
            "M5",
            "Oppgaver prioritert",
            D(2026, 6, 10),
            "Hovedoppgavene til ledergruppen definert og prioritert",
            D(2026, 6, 10),
        ),
        _amot_milestone(
            "M6",
            "Arbeidsprosesser beskrevet",
            D(2026, 6, 10),
            "Nåværende og fremtidige prosesser; gapanalyse gjennomført",
            D(2026, 6, 17),
        ),
        _amot_milestone(
            "M7",
            "Rollebeskrivelser",
            D(2026, 6, 10),
            "Mal for bemanningsplan og rollebeskrivelser",
            D(2026, 6, 12),
            owner="Personalsjef",
        ),
        _amot_milestone(
            "M8",
            "Kartleggingssamtaler",
            D(2026, 6, 17),
            "Samtaler med alle berørte ansatte",
            D(2026, 6, 19),
            owner="Personalsjef",
        ),
        _amot_milestone(
            "M9",
            "Organisasjons- og bemanningsplan",
            D(2026, 6, 17),
            "Forslag utarbeidet",
            D(2026, 6, 17),
        ),
        _amot_milestone(
            "M10",
            "Prosedyre for innplassering",
            D(2026, 6, 17),
            "Prosedyre utarbeidet",
            D(2026, 6, 17),
            owner="Personalsjef",
        ),
        _amot_milestone(
            "M11",
            "Drøftet med tillitsvalgte",
            D(2026, 6, 17),
            "Plan og prosedyre drøftet",
            D(2026, 6, 18),
        ),
        _amot_milestone(
            "M12",
            "Besluttet",
            D(2026, 6, 19),
            "Plan og prosedyre besluttet",
            D(2026, 6, 19),
            owner="Rådmann",
        ),
        _amot_milestone(
            "M13",
            "Innplassering",
            D(2026, 6, 24),
            "Ansatte innplassert etter ny plan",
            D(2026, 6, 24),
            owner="Personalsjef",
        ),
        _amot_milestone(
            "M14",
            "Ny organisasjon operativ",
            D(2026, 8, 19),
            "Senest 19. august",
            D(2026, 8, 19),
            owner="Rådmann",
        ),
        _amot_milestone(
            "M15",
            "Omstillingssamtaler",
            D(2026, 8, 19),
            "Samtale med alle som ikke er direkte innplassert",
            owner="Personalsjef",
            changes=(
                (D(2026, 9, 18), {"prognose": D(2026, 10, 30)}),
                (D(2026, 11, 20), {"prognose": D(2026, 12, 11)}),
            ),
        ),
        _amot_milestone(
            "M16",
            "Ved eventuell overtallighet",
            D(2026, 8, 26),
            "Retningslinjer for nedbemanning (sak 11/7) brukt",
            owner="Personalsjef",
        ),
        _amot_milestone(
            "M17",
            "Fase 2: endelig struktur besluttet",
            D(2026, 12, 31),
            "Midlertidig organisering evaluert",
            owner="Rådmann",
        ),
    ),
)

PROJECTS: tuple[_Project, ...] = (OTK_OU2, ASK_TM, NTNU_BOTT, NTNU_BEVISST, AMOT_ORG)
_BY_ID = {project.id: project for project in PROJECTS}


# ---------------------------------------------------------------------------------------------
# The uploads, in order: (file name, uploaded by, the day it was filled in, projects)

_ALL = tuple(project.id for project in PROJECTS)
UPLOADS: tuple[tuple[str, str, dt.date, tuple[str, ...]], ...] = (
    (
        "Porteføljestatus 2026-01.xlsx",
        "Porteføljekontoret",
        D(2026, 1, 20),
        ("OTK-OU2", "ASK-TM", "NTNU-BEVISST"),
    ),
    (
        "NTNU status april 2026.xlsx",
        "Trude W. Bersvendsen",
        D(2026, 4, 15),
        ("NTNU-BEVISST", "NTNU-BOTT"),
    ),
    ("OU2 oppfølging juni 2026.xlsx", "Gudrun Fodstad", D(2026, 6, 19), ("OTK-OU2",)),
    ("Tillitsmodellen risikogjennomgang.xlsx", "Silje Solvang Nese", _ASK_REVIEW, ("ASK-TM",)),
    ("Åmot ny organisering.xlsx", "Randi Dørum", D(2026, 6, 30), ("AMOT-ORG",)),
    ("Porteføljestatus 2026-09.xlsx", "Porteføljekontoret", D(2026, 9, 18), _ALL),
    ("Porteføljestatus 2026-11.xlsx", "Porteføljekontoret", D(2026, 11, 20), _ALL),
)


def _tables_on(day: dt.date, project_ids: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook that holds the given projects as they stood on `day`."""
    rows: dict[str, list[dict[str, object]]] = {sheet.key: [] for sheet in SHEETS}
    for project_id in project_ids:
        project = _BY_ID[project_id]
        if project.since > day:
            raise ValueError(f"{project_id} has not started on {day}")
        rows["prosjekter"].append(dict(project.values))
        for key, sheet_rows in project.rows.items():
            for row in sheet_rows:
                values = row.at(day)
                if values is None:
                    continue
                # What has not happened yet is not in the workbook.
                for actual in ("fullfort", "iverksatt"):
                    when = values.get(actual)
                    if isinstance(when, dt.date) and when > day:
                        values[actual] = None
                rows[key].append({PROJECT_COLUMN: project_id, **values})
    return {
        sheet.key: pd.DataFrame(
            rows[sheet.key], columns=[column.db for column in sheet.columns], dtype=object
        )
        for sheet in SHEETS
    }


def demo_workbooks() -> list[tuple[str, str, dict[str, pd.DataFrame]]]:
    """The demo uploads in order: (file name, uploaded by, sheet key -> rows with db names)."""
    return [(file_name, by, tables) for file_name, by, _, tables in _dated_workbooks()]


def _dated_workbooks() -> list[tuple[str, str, dt.date, dict[str, pd.DataFrame]]]:
    """The demo uploads in order, with the day each was filled in."""
    return [
        (file_name, by, day, _tables_on(day, project_ids))
        for file_name, by, day, project_ids in UPLOADS
    ]


def build_demo_database(db: Path | str | None = None, *, replace: bool = False) -> int:
    """Build a fresh demo database at `db` through the real pipeline; returns the last version.

    The uploads are built in a scratch database next to `db` and moved into place only when
    all of them loaded, so a failed build never leaves a half-filled database behind. A
    database that already holds versions is replaced only with `replace=True`: real uploads
    must never vanish under demo data by accident.
    """
    target = Path(db) if db is not None else default_db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    _refuse_to_overwrite(target, replace)
    scratch = Path(tempfile.mkdtemp(prefix=".demo-", dir=target.parent))
    try:
        built = scratch / target.name
        version = 0
        for file_name, by, day, tables in _dated_workbooks():
            workbook = scratch / file_name
            write_export(workbook, tables)
            # Stored on the day it was filled in, so the history reads as the year it tells.
            result = load_file(built, workbook, by=by, created_at=_during_office_hours(day))
            if result.stored is None:
                problems = "\n".join(problem.as_text() for problem in result.upload.errors)
                raise RuntimeError(f"Demodata i «{file_name}» ble avvist:\n{problems}")
            version = result.stored.version
            if file_name == MEETING_UPLOAD:
                locked_at = _during_office_hours(MEETING[1], hour=15)
                lock_for_meeting(built, version, *MEETING, by=by, created_at=locked_at)
        _refuse_to_overwrite(target, replace)  # again: someone may have loaded meanwhile
        for stale in (target, _wal(target)):
            stale.unlink(missing_ok=True)
        os.replace(built, target)
        if _wal(built).exists():
            os.replace(_wal(built), _wal(target))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return version


def _during_office_hours(day: dt.date, hour: int | None = None) -> dt.datetime:
    """A plausible time on `day` for an upload or a lock (the same for every build)."""
    if hour is None:
        hour = 9 + day.toordinal() % 6
    return dt.datetime.combine(day, dt.time(hour, day.toordinal() * 7 % 60))


def _refuse_to_overwrite(target: Path, replace: bool) -> None:
    if replace or not target.exists():
        return
    versions = latest_version(target)
    if versions:
        raise StoreError(
            f"Databasen {target.name} har allerede {versions} versjoner. Demodataene erstatter "
            "den bare når du ber om det (python -m lib.cli demo --force), eller bruk en annen "
            "fil med --db."
        )


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")
