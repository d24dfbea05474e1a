"""Choice lists of organisation profiles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    """Industry sectors, following the list ESCA uses for its benchmarking database."""

    AEROSPACE = "aerospace", _("Aerospace")
    AGRICULTURE_FOOD = "agriculture_food", _("Agriculture and food industry")
    AUTOMOTIVE_MOBILITY = "automotive_mobility", _("Automotive and mobility")
    BIOTECHNOLOGY = "biotechnology", _("Biotechnology")
    CHEMICALS_MATERIALS = "chemicals_materials", _("Chemicals and materials")
    CONSTRUCTION = "construction", _("Construction")
    CREATIVE_INDUSTRIES = "creative_industries", _("Creative industries")
    ENERGY_ENVIRONMENT = "energy_environment", _("Energy and environment")
    HEALTH_MEDICAL = "health_medical", _("Health and medical science")
    ICT = "ict", _("Information and communication technology")
    LOGISTICS = "logistics", _("Logistics")
    MARITIME = "maritime", _("Maritime industry")
    MICRO_NANO_OPTICS = "micro_nano_optics", _("Micro- and nanotechnology, photonics")
    PRODUCTION_ENGINEERING = "production_engineering", _("Production and engineering")
    TEXTILES = "textiles", _("Textiles")
    TOURISM = "tourism", _("Tourism")
    OTHER = "other", _("Other")


class FundingKind(models.TextChoices):
    PUBLIC_GRANTS = "public_grants", _("Public grants")
    MEMBERSHIP_FEES = "membership_fees", _("Membership fees")
    PAID_SERVICES = "paid_services", _("Paid services")
    SPONSORING = "sponsoring", _("Sponsoring")
    OTHER = "other", _("Other income")
