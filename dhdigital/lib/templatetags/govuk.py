"""GOV.UK Frontend 6 markup for Django forms, pagination and breadcrumbs.

Used through the includes rather than directly:

    {% include "includes/field.html" with field=form.body label_size="l" classes="govuk-!-width-two-thirds" %}
    {% include "includes/error_summary.html" with form=form %}      {# or forms=forms_list #}
    {% include "includes/pagination.html" %}                        {# needs page_obj and request #}
    {% include "includes/breadcrumbs.html" with crumbs=breadcrumbs %}  {# [(label, url), ...] #}
    {% load govuk %}{% breadcrumbs "Consultations" list_url consultation.title "" %}

The markup is copied from the pinned govuk-frontend's own `template.njk` files (see
node_modules/govuk-frontend/dist/govuk/components/*/template.njk).
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from dhdigital.lib import contacts
from dhdigital.lib.forms import GovukDateWidget

register = template.Library()

TEXT_INPUTS = (forms.TextInput, forms.EmailInput, forms.NumberInput, forms.URLInput, forms.PasswordInput)


def field_kind(field: BoundField) -> str:
    """Which GOV.UK component renders this field's widget."""
    widget = field.field.widget
    # Order matters: subclasses before their parents.
    if isinstance(widget, GovukDateWidget):
        return "date"
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    return "input"


def field_anchor(field: BoundField) -> str:
    """The id the error summary links to: the field's first focusable input."""
    kind = field_kind(field)
    auto_id = field.auto_id or field.html_name
    if kind in ("radios", "checkboxes"):
        return f"{auto_id}_0"
    if kind == "date":
        return f"{auto_id}_day"
    return auto_id


def _lower_first(text: str) -> str:
    # "Email address" -> "email address", but keep acronyms: "URL" stays "URL".
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def field_errors(field: BoundField) -> list[str]:
    """The field's error messages, with Django's bare "This field is required." made specific.

    GOV.UK error messages say what to do: "Enter display name", "Select a category". A form that sets
    its own `error_messages={"required": ...}` keeps its wording.
    """
    default_required = str(forms.Field.default_error_messages["required"])
    kind = field_kind(field)
    label = _lower_first(str(field.label or field.name).rstrip(":"))
    out = []
    for message in field.errors:
        if str(message) == default_required:
            if kind in ("radios", "select"):
                message = f"Select {label}"
            elif kind == "checkboxes":
                message = f"Select at least one option for {label}"
            elif kind == "checkbox":
                message = f"Select ‘{field.label}’ to continue"
            elif kind == "file":
                message = f"Select a file for {label}"
            else:
                message = f"Enter {label}"
        out.append(str(message))
    return out


def _max_length(field: BoundField) -> int | None:
    max_length = getattr(field.field, "max_length", None)
    return int(max_length) if max_length else None


def _describedby(*ids: str | None) -> str:
    return " ".join(i for i in ids if i)


@register.simple_tag
def govuk_field(
    field: BoundField,
    label_size: str = "",
    classes: str = "",
    hint: str = "",
    label: str = "",
    no_hint: bool = False,
) -> SafeString:
    """Render one BoundField as the matching GOV.UK component (label, hint, error message, control)."""
    if not isinstance(field, BoundField):
        raise template.TemplateSyntaxError(
            f"includes/field.html needs a form field (BoundField), got {field!r}: check the field name"
        )
    kind = field_kind(field)
    if kind == "hidden":
        return field.as_widget()
    widget = field.field.widget
    field_id = field.auto_id or field.html_name
    hint_text = "" if no_hint else (hint or field.help_text)
    hint_id = f"{field_id}-hint" if hint_text else ""
    error_id = f"{field_id}-error" if field.errors else ""
    ctx: dict[str, Any] = {
        "field": field,
        "kind": kind,
        "id": field_id,
        "name": field.html_name,
        "label": label or field.label,
        "label_size": label_size,
        "hint": hint_text,
        "hint_id": hint_id,
        "errors": field_errors(field),
        "error_id": error_id,
        "classes": classes,
    }
    if kind in ("input", "password", "textarea", "select", "file", "checkbox"):
        ctx.update(_control(field, kind, widget, classes, hint_id, error_id))
    elif kind in ("radios", "checkboxes"):
        ctx.update(_choices(field, kind, widget))
        ctx["describedby"] = _describedby(hint_id, error_id)
    elif kind == "date":
        ctx.update(_date(field))
        ctx["describedby"] = _describedby(hint_id, error_id)
    return render_to_string(f"includes/fields/_{kind}.html", ctx)


def _control(
    field: BoundField, kind: str, widget: forms.Widget, classes: str, hint_id: str, error_id: str
) -> dict[str, Any]:
    """Render the control itself through Django (value, name, required...) with GOV.UK classes."""
    base = {
        "input": "govuk-input",
        "password": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
        "checkbox": "govuk-checkboxes__input",
    }[kind]
    css = [base]
    if field.errors and kind != "checkbox":
        css.append(f"{base}--error")
    extra: dict[str, Any] = {}
    count_id = ""
    widget = copy.deepcopy(widget)
    # GOV.UK: no placeholders (they vanish on typing and often fail contrast); the label says it all.
    widget.attrs.pop("placeholder", None)
    if kind == "textarea":
        max_length = _max_length(field)
        if max_length:
            # A character count warns instead of silently truncating: drop the hard maxlength.
            widget.attrs.pop("maxlength", None)
            css.append("govuk-js-character-count")
            count_id = f"{field.auto_id}-info"
            extra["max_length"] = max_length
        widget.attrs.setdefault("rows", "5")
    if kind == "file":
        widget = forms.FileInput(attrs=widget.attrs)
        initial = field.initial if not field.form.is_bound else None
        extra["current_file"] = getattr(initial, "name", "") if initial else ""
    if kind == "password":
        # GOV.UK password input: a Show/Hide button appears once its JavaScript runs.
        css += ["govuk-password-input__input", "govuk-js-password-input-input"]
        widget.attrs.setdefault("spellcheck", "false")
        widget.attrs.setdefault("autocapitalize", "none")
    if classes and kind in ("input", "password", "textarea", "select"):
        css.append(classes)
    if kind == "input" and isinstance(widget, forms.EmailInput):
        widget.attrs.setdefault("autocomplete", "email")
        widget.attrs.setdefault("spellcheck", "false")
    attrs: dict[str, str | bool] = {"class": " ".join(css)}
    existing = widget.attrs.get("class")
    if existing:
        attrs["class"] = f"{attrs['class']} {existing}"
    describedby = _describedby(count_id, hint_id, error_id)
    if describedby:
        attrs["aria-describedby"] = describedby
    extra["control"] = field.as_widget(widget=widget, attrs=attrs)
    extra["count_id"] = count_id
    return extra


def _choices(field: BoundField, kind: str, widget: forms.Widget) -> dict[str, Any]:
    """Radios and checkboxes: one item per choice, with optional per-choice hints.

    Per-choice hints: set `widget.choice_hints = {value: "hint text"}` on the form's widget.
    """
    hints = getattr(widget, "choice_hints", {}) or {}
    item_class = "govuk-radios" if kind == "radios" else "govuk-checkboxes"
    items = []
    for index, sub in enumerate(field.subwidgets):
        data = sub.data
        value = data["value"]
        item_id = f"{field.auto_id or field.html_name}_{index}"
        hint = hints.get(value) or hints.get(str(value)) if hints else ""
        items.append(
            {
                "id": item_id,
                "name": data["name"],
                "value": "" if value is None else value,
                "label": data["label"],
                "checked": data["selected"],
                "hint": hint,
                "hint_id": f"{item_id}-item-hint" if hint else "",
            }
        )
    return {"items": items, "module": item_class}


def _date(field: BoundField) -> dict[str, Any]:
    auto_id = field.auto_id or field.html_name
    parts = [
        {
            "id": f"{auto_id}_{part}",
            "name": f"{field.html_name}_{part}",
            "label": label,
            "width": width,
            "value": value,
            "numeric": part != "time",
        }
        for part, label, width, value in field.field.widget.part_specs(field.value())
    ]
    return {"parts": parts, "disabled": field.field.disabled}


@register.simple_tag
def govuk_error_items(form=None, forms=None) -> list[dict[str, str]]:
    """Every error of the given form(s), in field order, each with the id it should link to."""
    items: list[dict[str, str]] = []
    all_forms = [f for f in ([form] if form is not None else []) + list(forms or []) if f is not None]
    for frm in all_forms:
        if not getattr(frm, "is_bound", False) or not frm.errors:
            continue
        # Errors about the form as a whole (a wrong password) link to its first visible field.
        visible = frm.visible_fields()
        first = f"#{field_anchor(visible[0])}" if visible else ""
        for message in frm.non_field_errors():
            items.append({"text": message, "href": first})
        for bound in frm:
            # Hidden fields have no control to link to: their errors are listed as plain text.
            href = "" if bound.is_hidden else f"#{field_anchor(bound)}"
            for message in field_errors(bound):
                items.append({"text": message, "href": href})
    return items


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current URL's query string with `page` set to `number` (other parameters kept)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def elided_pages(page_obj) -> list:
    """Page numbers around the current one, with the paginator's ellipsis between gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1))


@register.simple_tag
def breadcrumbs(*args: str) -> SafeString:
    """`{% breadcrumbs "Label" url "Label" url ... %}`; a last empty url marks the current page."""
    if len(args) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes label/url pairs")
    crumbs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    return render_to_string("includes/breadcrumbs.html", {"crumbs": crumbs})


@register.filter
def is_ellipsis(value) -> bool:
    return not isinstance(value, int)


@register.inclusion_tag("includes/_nav_item.html", takes_context=True)
def nav_item(context, text: str, href: str, exact: bool = False) -> dict[str, Any]:
    """A service navigation item, marked current when the request path is (under) `href`."""
    request = context.get("request")
    path = request.path if request is not None else ""
    if exact:
        current = "page" if path == href else ""
    else:
        current = "page" if path == href else ("true" if path.startswith(href) else "")
    return {"text": text, "href": href, "current": current}


@register.simple_tag
def contact_email() -> str:
    """The service team's address (settings.CONTACT_EMAIL when a deployment sets it)."""
    return contacts.contact_email()
