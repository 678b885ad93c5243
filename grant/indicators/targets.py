"""The convention's targets against the results of the period."""

from grant.enums import TargetIndicator
from grant.models import IndicatorTarget

from .base import rate

# Where each targetable figure is read in programme_figures().
RESULTS = {
    TargetIndicator.ENTERPRISES: lambda f: f["enterprises"]["total"],
    TargetIndicator.NEW_ENTERPRISES: lambda f: f["enterprises"]["new"],
    TargetIndicator.ENTERPRISES_MET: lambda f: f["activities"]["enterprises"],
    TargetIndicator.ACTIVITIES: lambda f: f["activities"]["count"],
    TargetIndicator.HOURS: lambda f: f["activities"]["hours"],
    TargetIndicator.INITIAL_DIAGNOSTICS: lambda f: f["assessments"]["initial"],
    TargetIndicator.FINAL_DIAGNOSTICS: lambda f: f["assessments"]["final"],
    TargetIndicator.AUTONOMY: lambda f: f["enterprises"]["autonomy_reached"],
    TargetIndicator.ORIENTATIONS: lambda f: f["orientations"]["total"],
    TargetIndicator.MEETINGS: lambda f: f["working_group"]["meetings"],
}


def targets_against_results(convention, figures):
    """[{label, target, result, rate}] for each target the convention sets: the result at
    the end of the period and the share of the target reached (%). One query."""
    if convention is None:
        return []
    return [
        {
            "label": target.get_indicator_display(),
            "target": target.target,
            "result": RESULTS[target.indicator](figures),
            "rate": rate(RESULTS[target.indicator](figures), target.target),
            "note": target.note,
        }
        for target in IndicatorTarget.objects.filter(convention=convention)
    ]
