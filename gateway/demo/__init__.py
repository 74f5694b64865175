"""The demo organisation: a year of OKRs at a warehouse-robotics company.

Everything goes through the domain's commands, with a clock that walks through the
year, so the log reads as if the company had used OKRA since January: three closed
quarters with graded key results and resolved bets, an open fourth quarter with
this week's check-ins, a cascade three levels deep, a lowered target with its
reason, a few backdated check-ins and one bet refused by the stake budget. History
worth looking at: Sales carries its grocery objective over from Q1 into Q2 (both
quarters closed since), and a Q1 churn grade is corrected after Q1 closed.

A strategy map (three values, the five default constituents) is defined in January
and objectives are tagged as they are set. The open quarter holds what an alignment
audit should catch: Mobile's orphan rewrite (untagged, with an oversized bet), a
committed churn key result at low confidence, Support's check-ins lapsing after three
weeks, and an onboarding key result that nothing has served all year.
"""

from gateway.demo.clock import DemoClock
from gateway.demo.seed import Demo, seed

__all__ = ["Demo", "DemoClock", "seed"]
