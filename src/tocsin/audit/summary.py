"""The one-page summary PDF at the front of an evidence bundle."""

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tocsin.audit.evidence import Artifact

STYLE = """
@page { size: A4; margin: 18mm; }
body { font-family: sans-serif; font-size: 10pt; }
h1 { font-size: 15pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 12pt; }
th, td { border: 1px solid #777; padding: 3pt; text-align: left;
         vertical-align: top; }
"""


def render_summary_pdf(
    incident_ref: str,
    generated_at: str,
    facts: Sequence[tuple[str, str]],
    artifacts: Sequence["Artifact"],
) -> bytes:
    """Return a PDF listing the incident facts and each artifact's controls.

    WeasyPrint renders from an HTML string with no base URL, so the PDF
    never fetches a remote resource. Facts must contain ids, counts and codes
    only, like audit payloads.
    """
    from weasyprint import HTML

    fact_rows = "".join(
        f"<tr><th scope='row'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in [("Incident", incident_ref), ("Generated", generated_at)]
        + list(facts)
    )
    artifact_rows = "".join(
        f"<tr><td>{escape(a.name)}</td><td>{escape(a.description)}</td>"
        f"<td>{escape(', '.join(a.controls))}</td></tr>"
        for a in artifacts
    )
    html = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Evidence bundle {escape(incident_ref)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Evidence bundle for incident {escape(incident_ref)}</h1>"
        f"<table>{fact_rows}</table>"
        "<h2>Artifacts</h2><table><thead><tr><th>File</th><th>Contents</th>"
        f"<th>Controls</th></tr></thead><tbody>{artifact_rows}</tbody></table>"
        "<p>manifest.json lists the SHA-256 of every file and is signed in"
        " manifest.sig with the key in signing-key.pub. Check the bundle with"
        " scripts/verify_evidence.py and a public key obtained separately.</p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()
