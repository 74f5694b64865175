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
from gateway.schema.data_sources import run_mutation, source
from gateway.schema.strategy import StrategyMap, build_strategy_map
from gateway.schema.types import (
    Action,
    Bet,
    Cycle,
    KeyResult,
    Objective,
    Owned,
    Person,
    Portfolio,
    Team,
)
from gateway.schema.types.data_source import DataSource
from gateway.schema.webhooks import Webhook, WebhookDelivery, webhook_mutation

team, cycle, objective = entity(loading.team), entity(loading.cycle), entity(loading.objective)
key_result, bet, person = entity(loading.key_result), entity(loading.bet), entity(loading.person)
action = entity(loading.action)


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
    # issue 14: the tree's and the calendar's lifecycle
    rename_team = mutation(c.RenameTeam, Team, team)
    move_team = mutation(c.MoveTeam, Team, team)
    archive_team = mutation(c.ArchiveTeam, Team, team)
    rename_cycle = mutation(c.RenameCycle, Cycle, cycle)
    cancel_cycle = mutation(c.CancelCycle, Cycle, cycle)
    # Corrections (issue 14): each answers the key result the check-in measures.
    retract_check_in = mutation(c.RetractCheckIn, KeyResult, key_result)
    correct_check_in = mutation(c.CorrectCheckIn, KeyResult, key_result)
    remove_key_result = mutation(c.RemoveKeyResult, Objective, objective)  # its objective
    # Actions (issue 15): ideas before they are bets, their order, and collaboration.
    propose_action = mutation(c.ProposeAction, Action, action)
    update_action = mutation(c.UpdateAction, Action, action)
    drop_action = mutation(c.DropAction, Action, action)
    rank_actions = mutation(c.RankActions, KeyResult, key_result)
    offer_collaboration = mutation(c.OfferCollaboration, Action, action)
    accept_collaboration = mutation(c.AcceptCollaboration, Action, action)
    decline_collaboration = mutation(c.DeclineCollaboration, Action, action)
    # data sources (issue 17)
    connect_data_source = mutation(c.ConnectDataSource, DataSource, source)
    update_data_source = mutation(c.UpdateDataSource, DataSource, source)
    disconnect_data_source = mutation(c.DisconnectDataSource, DataSource, source)
    run_data_source = run_mutation()
    # webhooks (issue 16): the URL is checked (SSRF guard) before the command runs
    create_webhook = webhook_mutation(c.CreateWebhook, Webhook, secret=True)
    update_webhook = webhook_mutation(c.UpdateWebhook, Webhook)
    disable_webhook = webhook_mutation(c.DisableWebhook, Webhook)
    rotate_webhook_secret = webhook_mutation(c.RotateWebhookSecret, Webhook, secret=True)
    redeliver = webhook_mutation(c.Redeliver, WebhookDelivery)
    # notices (issue 16)
    set_digest_schedule = mutation(c.SetDigestSchedule, Team, team)
    set_notification_preferences = mutation(c.SetNotificationPreferences, Person, person)
