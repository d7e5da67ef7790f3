using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Antlr4.Runtime;
using Cel;
using Cel.Internal;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>A compiled CEL expression; <see cref="UsesOldSelf"/> marks a transition rule.</summary>
public sealed record CelProgram(CelProgramDelegate Run, bool UsesOldSelf);

/// <summary>The outcome of compiling one expression: a program, or cel-go style error text.</summary>
public sealed record CelCompilation(CelProgram? Program, string? Error);

/// <summary>
/// Parses (with errors from both lexer and parser, which the package's own Parse lets slip), checks with
/// <see cref="CelRuleChecker"/>, then compiles with the package. Errors read like cel-go's:
/// <c>ERROR: &lt;input&gt;:1:6: undefined field 'foo'</c> followed by the source line and a caret.
/// </summary>
public static class CelCompiler
{
    public static CelCompilation Compile(string source, JsonObject? selfSchema, JsonObject? rootSchema)
    {
        var syntax = new SyntaxErrors();
        var lexer = new CelLexer(new AntlrInputStream(source));
        lexer.RemoveErrorListeners();
        lexer.AddErrorListener(syntax);
        var parser = new CelParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        parser.AddErrorListener(syntax);
        var start = parser.start();
        if (syntax.Errors.Count > 0)
        {
            return new CelCompilation(null, string.Join("\n", syntax.Errors.Select(e => Format(source, e.Line, e.Column, "Syntax error: " + e.Message))));
        }
        var checker = new CelRuleChecker(selfSchema, rootSchema);
        checker.Check(start, ImmutableDictionary<string, JsonObject?>.Empty);
        if (checker.Errors.Count > 0)
        {
            return new CelCompilation(null, string.Join("\n", checker.Errors.Select(e => Format(source, e.At.Line, e.At.Column, e.Message))));
        }
        try
        {
            return new CelCompilation(new CelProgram(CelLibrary.Environment.Compile(start), checker.UsesOldSelf), null);
        }
        catch (CelException e)
        {
            return new CelCompilation(null, Format(source, 1, 0, e.Message));
        }
    }

    /// <summary>cel-go's display: position (1-based column), the source line, dots up to the column and a caret.</summary>
    private static string Format(string source, int line, int column, string message)
    {
        var lines = source.Split('\n');
        var text = line >= 1 && line <= lines.Length ? lines[line - 1].Replace('\t', ' ') : "";
        return $"ERROR: <input>:{line}:{column + 1}: {message}\n | {text}\n | {new string('.', Math.Clamp(column, 0, text.Length))}^";
    }

    private sealed class SyntaxErrors : IAntlrErrorListener<int>, IAntlrErrorListener<IToken>
    {
        public List<(int Line, int Column, string Message)> Errors { get; } = [];

        public void SyntaxError(TextWriter output, IRecognizer recognizer, int offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e) =>
            Errors.Add((line, charPositionInLine, msg));

        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e) =>
            Errors.Add((line, charPositionInLine, msg));
    }
}
