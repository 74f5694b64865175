"""The command bus: one table from each command to its handler, and the cross-cutting
parts applied once around every handler.

Around a handler, from the outside in: the idempotency key (a retry answers as the
first attempt did), the command's lock (commands editing one stream queue in this
process), retries of a save that lost a race (each from a fresh load, in a fresh unit
of work), and group commit inside ``UnitOfWork.commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from domain.application import commands as c
from domain.application.access import Actor, Forbidden
from domain.application.commands import Command, Saved
from domain.application.handlers import (
    actions,
    bets,
    corrections,
    cycles,
    data_sources,
    key_results,
    notices,
    objectives,
    owners,
    people,
    plans,
    strategy,
    teams,
    tokens,
    webhooks,
)
from domain.application.idempotency import idempotent
from domain.application.unit import Rehearsed, UnitOfWork
from domain.model.errors import DomainError

if TYPE_CHECKING:
    from domain.application.okra import Okra

Handler = Callable[[Any, UnitOfWork], Saved]

HANDLERS: Mapping[type[Command], Handler] = {
    c.CreateTeam: teams.create_team,
    c.SetCheckInCadence: teams.set_check_in_cadence,
    c.OpenCycle: cycles.open_cycle,
    c.CloseCycle: cycles.close_cycle,
    c.CreateObjective: objectives.create_objective,
    c.UpdateObjective: objectives.update_objective,
    c.AlignObjective: objectives.align_objective,
    c.TagObjective: strategy.tag_objective,
    c.CarryOverObjective: objectives.carry_over_objective,
    c.AddKeyResult: key_results.add_key_result,
    c.UpdateKeyResult: key_results.update_key_result,
    c.RecordCheckIn: key_results.record_check_in,
    c.RegradeKeyResult: key_results.regrade_key_result,
    c.PlaceBet: bets.place_bet,
    c.ResolveBet: bets.resolve_bet,
    c.SetStakeBudget: bets.set_stake_budget,
    c.DefineStrategyMap: strategy.define_strategy_map,
    c.IssueToken: tokens.issue_token,
    c.RevokeToken: tokens.revoke_token,
    c.AddPerson: people.add_person,
    c.UpdatePerson: people.update_person,
    c.DeactivatePerson: people.deactivate_person,
    c.ReactivatePerson: people.reactivate_person,
    c.AddMember: people.add_member,
    c.ChangeMemberRole: people.change_member_role,
    c.RemoveMember: people.remove_member,
    c.ImportPeople: people.import_people,
    c.AssignOwner: owners.assign_owner,
    c.SetContributors: owners.set_contributors,
    # okra import plan (issue 17)
    c.ImportPlan: plans.import_plan,
    # issue 14: the tree's and the calendar's lifecycle
    c.RenameTeam: teams.rename_team,
    c.MoveTeam: teams.move_team,
    c.ArchiveTeam: teams.archive_team,
    c.RenameCycle: cycles.rename_cycle,
    c.CancelCycle: cycles.cancel_cycle,
    # Corrections (issue 14)
    c.RetractCheckIn: corrections.retract_check_in,
    c.CorrectCheckIn: corrections.correct_check_in,
    c.RemoveKeyResult: corrections.remove_key_result,
    # Actions (issue 15): ideas before they are bets, and collaboration.
    c.ProposeAction: actions.propose_action,
    c.UpdateAction: actions.update_action,
    c.DropAction: actions.drop_action,
    c.RankActions: actions.rank_actions,
    c.OfferCollaboration: actions.offer_collaboration,
    c.AcceptCollaboration: actions.accept_collaboration,
    c.DeclineCollaboration: actions.decline_collaboration,
    # data sources (issue 17)
    c.ConnectDataSource: data_sources.connect_data_source,
    c.UpdateDataSource: data_sources.update_data_source,
    c.DisconnectDataSource: data_sources.disconnect_data_source,
    c.RunDataSource: data_sources.run_data_source,
    c.RecordReading: data_sources.record_reading,
    # webhooks (issue 16)
    c.CreateWebhook: webhooks.create_webhook,
    c.UpdateWebhook: webhooks.update_webhook,
    c.DisableWebhook: webhooks.disable_webhook,
    c.RotateWebhookSecret: webhooks.rotate_webhook_secret,
    c.Redeliver: webhooks.redeliver,
    # notices (issue 16)
    c.SetDigestSchedule: notices.set_digest_schedule,
    c.SetNotificationPreferences: notices.set_notification_preferences,
}


def dispatch(app: Okra, command: Command, actor: Actor, idempotency_key: str | None) -> Saved:
    handler = HANDLERS[type(command)]

    def attempt() -> Saved:
        return handler(command, UnitOfWork(app, actor))

    def rehearse() -> None:
        """The handler's loading and authorisation, saving nothing: a refusal of the
        actor (Forbidden) is raised; the command's own refusals (a bet resolved by the
        first attempt) are not, once the actor was authorised."""
        unit = UnitOfWork(app, actor, rehearsal=True)
        try:
            handler(command, unit)
        except Rehearsed:
            return
        except Forbidden:
            raise
        except DomainError:
            if not unit.authorised:
                raise

    return idempotent(
        app,
        actor,
        idempotency_key,
        command,
        lambda: app.locks.retrying(attempt, command.lock()),
        rehearse,
    )
