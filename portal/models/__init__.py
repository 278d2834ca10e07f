"""All tables, in dependency order, so migrations and tests see one list."""
from portal.models.people import School, SchoolClass, Person, PersonRow, Guardianship
from portal.models.programme import MentoringFormat, Programme, Acknowledgement
from portal.models.accounts import Account, RoleGrant, Invitation, RecoveryCode, LoginFailure
from portal.models.bases import BaseMembership, MembershipCategory, BaseProposal
from portal.models.consent import ConsentDocument, Consent, ConsentWithdrawal
from portal.models.mentorship import Order, Mentorship, MentorshipMember, OrderItem, Appointment, Proposal
from portal.models.cycle import Plan, PlanTask, Meeting, MeetingConfirmation, FinalReport
from portal.models.monitoring import Questionnaire, Question, MonitoringRound, Response, Answer
from portal.models.documents import IssuedDocument
from portal.models.notifications import Notification, OutboxMail
from portal.models.files import StoredFile, SignedAgreement
from portal.models.roadmap import RoadmapEvent
from portal.models.voice import Complaint, ImprovementProposal
from portal.models.registry import TargetModelVersion
from portal.models.support import SupportRequest, SupportNote
from portal.models.training import (TrainingProgramme, TrainingMaterial, TrainingGroup, TrainingSession,
                                    TrainingEnrolment, TrainingAttendance, ExternalCourse)
from portal.models.recognition import (SchoolEvent, EventParticipant, Competition, Nomination, AwardDocument,
                                       ContestNomination)
from portal.models.motivation import PublicProfile, HonourEntry, BankMaterial
from portal.models.audit import AuditEvent

MODELS = [
    School, SchoolClass, Person, Guardianship,
    MentoringFormat, Programme, Acknowledgement,
    Account, RoleGrant, Invitation, RecoveryCode, LoginFailure,
    BaseMembership, MembershipCategory, BaseProposal,
    ConsentDocument, Consent, ConsentWithdrawal,
    Order, Mentorship, MentorshipMember, OrderItem, Appointment, Proposal,
    Plan, PlanTask, Meeting, MeetingConfirmation, FinalReport,
    Questionnaire, Question, MonitoringRound, Response, Answer,
    IssuedDocument,
    Notification, OutboxMail,
    StoredFile, SignedAgreement,
    RoadmapEvent,
    ImprovementProposal, Complaint,
    TargetModelVersion,
    SupportRequest, SupportNote,
    TrainingProgramme, TrainingMaterial, TrainingGroup, TrainingSession, TrainingEnrolment, TrainingAttendance,
    ExternalCourse,
    SchoolEvent, EventParticipant, Competition, Nomination, AwardDocument, ContestNomination,
    PublicProfile, HonourEntry, BankMaterial,
    AuditEvent,
]

__all__ = [m.__name__ for m in MODELS] + ["MODELS"]
