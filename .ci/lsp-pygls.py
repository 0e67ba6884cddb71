#!/usr/bin/env python3
"""`kbc lsp` driven by a third-party client: pygls's LanguageClient (PyPI).

On a copy of the sample knowledge base: open an article, type an unknown
cloud into its header (an incremental change), assert the diagnostic's code
and exact range, ask for code actions, apply the quick fix the way an editor
does (its text edits sent back as a change), and assert the text and that
the diagnostic clears. Usage: lsp-pygls.py KBC_BINARY
"""
import asyncio, shutil, sys, tempfile
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "articles/microsoft.keyvault/keyvault-access-denied.md"
TIMEOUT = 60


def position(text, offset):
    """The LSP (UTF-16) position of a string offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return t.Position(line=line, character=len(text[start:offset].encode("utf-16-le")) // 2)


def offset(text, pos):
    lines = text.split("\n")
    before = sum(len(l) + 1 for l in lines[: pos.line])
    units, i, line = 0, 0, lines[pos.line] if pos.line < len(lines) else ""
    while i < len(line) and units < pos.character:
        units += len(line[i].encode("utf-16-le")) // 2
        i += 1
    return before + i


async def main(kbc):
    kb = Path(tempfile.mkdtemp(prefix="kbc-pygls-"))
    shutil.copy(REPO / "book.toml", kb / "book.toml")
    shutil.copytree(REPO / "articles", kb / "articles")
    uri = (kb / ARTICLE).as_uri()
    published = {}
    arrived = asyncio.Condition()

    client = LanguageClient("kbc-ci", "1")

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    async def on_diagnostics(params: t.PublishDiagnosticsParams):
        async with arrived:
            published[params.uri] = params
            arrived.notify_all()

    async def diagnostics(version):
        async with arrived:
            await asyncio.wait_for(arrived.wait_for(lambda: getattr(published.get(uri), "version", None) == version), TIMEOUT)
            return published[uri].diagnostics

    await client.start_io(kbc, "lsp", str(kb))
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=kb.as_uri()))
    client.initialized(t.InitializedParams())
    text = (kb / ARTICLE).read_text(encoding="utf-8")
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    start = [d.code for d in await diagnostics(1)]
    assert "KB013" not in start, start
    print(f"pygls: opened {ARTICLE}: findings {start}")

    # Misspell the first cloud of the header (`public` -> `publik`).
    original = text
    at = text.index('cloudEnvironments="') + len('cloudEnvironments="')
    assert text[at:at + 6] == "public", text[at:at + 40]
    typo = t.Range(start=position(text, at), end=position(text, at + 6))
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[t.TextDocumentContentChangePartial(range=typo, text="publik")]))
    text = text[:at] + "publik" + text[at + 6:]
    found = [d for d in await diagnostics(2) if d.code == "KB013"]
    assert len(found) == 1, found
    expected = t.Range(start=position(text, at), end=position(text, at + len("publik")))
    assert found[0].range == expected, (found[0].range, expected)
    assert found[0].severity == t.DiagnosticSeverity.Error
    print(f"pygls: KB013 at {expected.start.line}:{expected.start.character}-{expected.end.character}: {found[0].message!r}")

    # Apply the quick fix as an editor does: its edits become a change.
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=found[0].range,
        context=t.CodeActionContext(diagnostics=found)))
    fix = next(a for a in actions if a.kind == t.CodeActionKind.QuickFix and a.is_preferred)
    edits = sorted(fix.edit.changes[uri], key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
    for e in edits:
        text = text[: offset(text, e.range.start)] + e.new_text + text[offset(text, e.range.end):]
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[t.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits]))
    assert text == original, text[:600]
    left = [d.code for d in await diagnostics(3)]
    assert "KB013" not in left, left
    print(f"pygls: applied {fix.title!r}; findings left: {left}")

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    shutil.rmtree(kb)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
