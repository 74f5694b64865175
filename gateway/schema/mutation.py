"""Write operations: each takes one ``input``, runs one domain command and answers with
the changed entity as the views show it once the command's events are in them
(read-your-writes). Each is declared by its command (see ``gateway.schema.commands``)."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.application import commands as c
from domain.application.commands import Saved
from gateway.schema import loading
from gateway.schema.commands import entity, mutation
from gateway.schema.context import Info
from gateway.schema.strategy import StrategyMap, build_strategy_map
from gateway.schema.types import Bet, Cycle, KeyResult, Objective, Owned, Person, Portfolio, Team

team, cycle, objective = entity(loading.team), entity(loading.cycle), entity(loading.objective)
key_result, bet, person = entity(loading.key_result), entity(loading.bet), entity(loading.person)


async def portfolio(info: Info, saved: Saved, command: Any) -> Portfolio:
    return await Portfolio.load(info, str(command.team_id), str(command.cycle_id))


async def strategy_map(info: Info, saved: Saved, command: Any) -> StrategyMap:
    return await build_strategy_map(info, None)


async def owned(info: Info, saved: Saved, command: Any) -> Owned:
    """The objective, key result or bet whose owner or contributors changed."""
    for load in (loading.key_result, loading.objective, loading.bet):
        found: Owned | None = await load(info, saved.id)
        if found is not None:
            return found
    raise AssertionError("the views lost an entity that was just saved")


@strawberry.type
class Mutation:
    create_team = mutation(c.CreateTeam, Team, team)
    open_cycle = mutation(c.OpenCycle, Cycle, cycle)
    close_cycle = mutation(c.CloseCycle, Cycle, cycle)
    create_objective = mutation(c.CreateObjective, Objective, objective)
    update_objective = mutation(c.UpdateObjective, Objective, objective)
    align_objective = mutation(c.AlignObjective, Objective, objective)
    add_key_result = mutation(c.AddKeyResult, KeyResult, key_result)
    update_key_result = mutation(c.UpdateKeyResult, KeyResult, key_result)
    record_check_in = mutation(c.RecordCheckIn, KeyResult, key_result)
    place_bet = mutation(c.PlaceBet, Bet, bet)
    resolve_bet = mutation(c.ResolveBet, Bet, bet)
    set_stake_budget = mutation(c.SetStakeBudget, Portfolio, portfolio)
    define_strategy_map = mutation(c.DefineStrategyMap, StrategyMap, strategy_map)
    tag_objective = mutation(c.TagObjective, Objective, objective)
    set_check_in_cadence = mutation(c.SetCheckInCadence, Team, team)
    carry_over_objective = mutation(c.CarryOverObjective, Objective, objective)
    regrade_key_result = mutation(c.RegradeKeyResult, KeyResult, key_result)
    add_person = mutation(c.AddPerson, Person, person)
    update_person = mutation(c.UpdatePerson, Person, person)
    deactivate_person = mutation(c.DeactivatePerson, Person, person)
    reactivate_person = mutation(c.ReactivatePerson, Person, person)
    add_member = mutation(c.AddMember, Person, person)
    change_member_role = mutation(c.ChangeMemberRole, Person, person)
    remove_member = mutation(c.RemoveMember, Person, person)
    assign_owner = mutation(c.AssignOwner, Owned, owned)
    set_contributors = mutation(c.SetContributors, Owned, owned)
    # notices (issue 16)
    set_digest_schedule = mutation(c.SetDigestSchedule, Team, team)
    set_notification_preferences = mutation(c.SetNotificationPreferences, Person, person)
