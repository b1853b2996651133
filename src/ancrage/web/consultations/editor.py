"""The consultation editor: the main form plus its row sets, read from and written to the
checker's format (the ``data`` stored on ``Consultation``)."""

from __future__ import annotations

from typing import Any

from django.forms import formset_factory

from ancrage.web.consultations.forms import NO_PUBLICITY, ROW_SETS, ConsultationForm, number

ROW_LABELS = {
    "lots": "Lots",
    "criteres": "Critères d'attribution",
    "conditions": "Conditions d'exécution",
    "specifications": "Spécifications techniques",
}
_SIMPLE_TEXT = ("abnormally_low_offers", "rejected_bidders_information", "no_lots_justification")
_TRI = {True: "yes", False: "no", None: ""}


def _initial(data: dict[str, Any]) -> dict[str, Any]:
    """Initial values of the main form from a stored (already validated) description."""
    sourcing = data.get("sourcing")
    initial: dict[str, Any] = {
        "object": data.get("object", ""),
        "cpv": data.get("cpv", ""),
        "family": data.get("family") or "",
        "estimated_amount_ht": data.get("estimated_amount_ht"),
        "launch_date": data.get("launch_date"),
        "procedure": data.get("procedure"),
        "buyer_kind": data.get("buyer_kind"),
        "reserved": data.get("reserved") or "none",
        "sourcing": "" if not isinstance(sourcing, dict) else _TRI[bool(sourcing.get("done"))],
        "sourcing_actions": sourcing.get("actions", "") if isinstance(sourcing, dict) else "",
        "publicity": _publicity_initial(data.get("publicity")),
        "justifications": "\n".join(
            f"{rule} : {reason}" for rule, reason in (data.get("justifications") or {}).items()
        ),
        "duration_months": data.get("duration_months"),
        "min_turnover_required": data.get("min_turnover_required"),
        "dce_free_access": _TRI.get(data.get("dce_free_access"), ""),
        "fleet_size": data.get("fleet_size"),
        "defence_security": bool(data.get("defence_security")),
    }
    initial.update({name: data.get(name) or "" for name in _SIMPLE_TEXT})
    return initial


def _publicity_initial(media: list[str] | None) -> list[str]:
    if media is None:
        return []
    return list(media) or [NO_PUBLICITY]


def _row_initial(field: str, item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        key = "title" if field == "lots" else "description"
        return {key: item}
    return dict(item)


class ConsultationEditor:
    """Bind or prefill the whole form; ``to_data()`` gives the checker's format."""

    def __init__(self, post: Any = None, data: dict[str, Any] | None = None) -> None:
        data = data or {}
        self.form = ConsultationForm(post, initial=_initial(data) if data else None)
        self.rowsets = {}
        for prefix, (form_class, field, extra) in ROW_SETS.items():
            rows = [_row_initial(field, item) for item in data.get(field) or []]
            formset = formset_factory(form_class, extra=extra)
            self.rowsets[prefix] = formset(post, initial=rows, prefix=prefix)

    def is_valid(self) -> bool:
        # Evaluate every part so that all errors are shown at once.
        results = [self.form.is_valid()] + [fs.is_valid() for fs in self.rowsets.values()]
        return all(results)

    @property
    def sections(self) -> dict[str, dict[str, Any]]:
        """Row sets with their French titles, by prefix, for the template."""
        return {
            prefix: {"prefix": prefix, "title": ROW_LABELS[prefix], "formset": fs}
            for prefix, fs in self.rowsets.items()
        }

    def errors(self) -> list[str]:
        """Every error as « Champ : message », in French."""
        messages = [str(e) for e in self.form.non_field_errors()]
        for name, errors in self.form.errors.items():
            if name == "__all__":
                continue
            label = self.form.fields[name].label
            messages += [f"{label} : {e}" for e in errors]
        for prefix, fs in self.rowsets.items():
            messages += [f"{ROW_LABELS[prefix]} : {e}" for e in fs.non_form_errors()]
            for index, form in enumerate(fs.forms, 1):
                for name, errors in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    messages += [
                        f"{ROW_LABELS[prefix]}, ligne {index} — {label} : {e}" for e in errors
                    ]
        return messages

    def to_data(self) -> dict[str, Any]:
        """The description in the checker's format; call after ``is_valid()``."""
        d = self.form.cleaned_data
        data: dict[str, Any] = {
            "object": d["object"].strip(),
            "cpv": d["cpv"].strip(),
        }
        if d.get("family"):
            data["family"] = d["family"]
        data["estimated_amount_ht"] = number(d["estimated_amount_ht"])
        data["launch_date"] = d["launch_date"].isoformat()
        data["procedure"] = d["procedure"]
        data["buyer_kind"] = d["buyer_kind"]
        for prefix, (_, field, _) in ROW_SETS.items():
            rows = [
                f.row() for f in self.rowsets[prefix].forms if f.cleaned_data and not f.is_blank()
            ]
            if rows:
                data[field] = rows
        if d.get("no_lots_justification"):
            data["no_lots_justification"] = d["no_lots_justification"]
        data["reserved"] = d["reserved"]
        if d.get("sourcing"):
            data["sourcing"] = {"done": d["sourcing"] == "yes"}
            if d.get("sourcing_actions"):
                data["sourcing"]["actions"] = d["sourcing_actions"]
        if d.get("justifications"):
            data["justifications"] = d["justifications"]
        if d.get("defence_security"):
            data["defence_security"] = True
        for name in ("duration_months", "min_turnover_required", "fleet_size"):
            if d.get(name) is not None:
                data[name] = number(d[name])
        if d.get("publicity"):
            data["publicity"] = [m for m in d["publicity"] if m != NO_PUBLICITY]
        if d.get("dce_free_access"):
            data["dce_free_access"] = d["dce_free_access"] == "yes"
        for name in ("abnormally_low_offers", "rejected_bidders_information"):
            if d.get(name):
                data[name] = d[name]
        return data
