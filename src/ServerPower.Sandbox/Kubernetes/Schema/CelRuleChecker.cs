using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Cel.Helpers;
using Cel.Internal;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// What kube-apiserver's CEL type-check refuses and the <c>Cel</c> package would only notice (or ignore) while
/// evaluating: unknown functions and variables, wrong argument counts, fields the schema does not declare,
/// optional syntax, message construction, bad literals. Walks the parse tree with the schema the rule sits on;
/// the static type is that schema where it is known and null (dynamic) elsewhere. It does not infer scalar
/// types, so an overload mismatch such as <c>self.name + 1</c> is found only when the rule runs.
/// </summary>
public sealed class CelRuleChecker(JsonObject? selfSchema, JsonObject? rootSchema)
{
    private static readonly HashSet<string> TypeNames = ["int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type", "dyn"];

    private static readonly JsonObject RootMetadata = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" }, ["generateName"] = new JsonObject { ["type"] = "string" } },
    };

    private static readonly JsonObject RootString = new() { ["type"] = "string" };

    public List<(IToken At, string Message)> Errors { get; } = [];

    /// <summary>True when the expression reads oldSelf: a transition rule.</summary>
    public bool UsesOldSelf { get; private set; }

    public JsonObject? Check(IParseTree tree, ImmutableDictionary<string, JsonObject?> scope)
    {
        switch (tree)
        {
            case CelParser.NestedContext nested:
                return Check(nested.e, scope);
            case CelParser.IdentOrGlobalCallContext ident:
                return ident.op is null ? Identifier(ident, scope) : GlobalCall(ident, scope);
            case CelParser.SelectContext select:
                if (select.opt is not null) Error(select.op, "optional field selection (.?) is not supported by the sandbox emulator");
                return Field(Check(select.member(), scope), select.id.Text, select.op);
            case CelParser.MemberCallContext call:
                return MemberCall(call, scope);
            case CelParser.IndexContext index:
                if (index.opt is not null) Error(index.op, "optional index ([?) is not supported by the sandbox emulator");
                var container = Check(index.member(), scope);
                Check(index.index, scope);
                return container?["items"] as JsonObject ?? container?["additionalProperties"] as JsonObject;
            case CelParser.CreateMessageContext message:
                Error(message.Start, $"undeclared reference to '{message.Start.Text}' (in container '')");
                return null;
            case CelParser.OptExprContext { opt: not null } opt:
                Error(opt.opt, "optional entries are not supported by the sandbox emulator");
                break;
            case CelParser.OptFieldContext { opt: not null } optField:
                Error(optField.opt, "optional entries are not supported by the sandbox emulator");
                break;
            case CelParser.StringContext or CelParser.BytesContext:
                Literal((ParserRuleContext)tree);
                return null;
            case CelParser.IntContext or CelParser.UintContext:
                Literal((ParserRuleContext)tree);
                return null;
        }
        JsonObject? only = null;
        for (var i = 0; i < tree.ChildCount; i++)
        {
            only = Check(tree.GetChild(i), scope);
        }
        return tree.ChildCount == 1 ? only : null;
    }

    private JsonObject? Identifier(CelParser.IdentOrGlobalCallContext ident, ImmutableDictionary<string, JsonObject?> scope)
    {
        var name = ident.id.Text;
        if (scope.TryGetValue(name, out var bound)) return bound;
        switch (name)
        {
            case "self":
                return selfSchema;
            case "oldSelf":
                UsesOldSelf = true;
                return selfSchema;
        }
        if (!TypeNames.Contains(name)) Error(ident.id, Undeclared(name));
        return null;
    }

    private JsonObject? GlobalCall(CelParser.IdentOrGlobalCallContext call, ImmutableDictionary<string, JsonObject?> scope)
    {
        var name = call.id.Text;
        var args = call.args?._e ?? [];
        if (name == "has" && (args.Count != 1 || Unwrap(args[0]) is not CelParser.SelectContext))
        {
            Error(call.id, "invalid argument to has() macro");
        }
        else if (!CelLibrary.GlobalFunctions.TryGetValue(name, out var arities))
        {
            Error(call.id, Undeclared(name));
        }
        else if (!arities.Contains(args.Count))
        {
            Error(call.id, $"found no matching overload for '{name}' with {args.Count} argument(s)");
        }
        foreach (var arg in args) Check(arg, scope);
        return null;
    }

    private JsonObject? MemberCall(CelParser.MemberCallContext call, ImmutableDictionary<string, JsonObject?> scope)
    {
        var name = call.id.Text;
        var args = call.args?._e ?? [];
        var target = Check(call.member(), scope);
        if (CelLibrary.Macros.Contains(name))
        {
            if (args.Count != 2 || Unwrap(args[0]) is not CelParser.IdentOrGlobalCallContext { op: null } variable)
            {
                Error(call.id, $"the sandbox emulator supports {name}() only in the form list.{name}(x, expression)");
                foreach (var arg in args) Check(arg, scope);
                return null;
            }
            var element = target?["items"] as JsonObject;
            Check(args[1], scope.SetItem(variable.id.Text, element));
            return null;
        }
        if (!CelLibrary.MemberFunctions.TryGetValue(name, out var arities))
        {
            Error(call.id, Undeclared(name));
        }
        else if (!arities.Contains(args.Count))
        {
            Error(call.id, $"found no matching overload for '{name}' with {args.Count} argument(s)");
        }
        foreach (var arg in args) Check(arg, scope);
        return null;
    }

    /// <summary>The schema of <paramref name="name"/> within an object schema; an error when it declares no such field.</summary>
    private JsonObject? Field(JsonObject? schema, string name, IToken at)
    {
        if (schema is null) return null;
        if (ReferenceEquals(schema, rootSchema) && name == "metadata") return RootMetadata;
        if (ReferenceEquals(schema, rootSchema) && name is "apiVersion" or "kind") return RootString;
        if (schema["properties"]?[name] is JsonObject property) return property;
        if (schema["additionalProperties"] is JsonObject map) return map;
        var type = schema["type"]?.ToString();
        if (SchemaPruner.PreservesUnknown(schema) || schema["additionalProperties"] is JsonValue ||
            schema["x-kubernetes-int-or-string"] is not null || schema["x-kubernetes-embedded-resource"] is not null || type is null)
        {
            return null;
        }
        Error(at, type == "object" ? $"undefined field '{name}'" : $"type '{type}' does not support field selection");
        return null;
    }

    private void Literal(ParserRuleContext literal)
    {
        try
        {
            switch (literal)
            {
                case CelParser.StringContext s:
                    StringHelpers.Unescape(s.tok.Text, false);
                    break;
                case CelParser.BytesContext b:
                    StringHelpers.Unescape(b.tok.Text[1..], true);
                    break;
                case CelParser.IntContext i when !ParseInteger((i.sign?.Text ?? "") + i.tok.Text):
                    Error(i.tok, $"invalid int literal '{i.tok.Text}'");
                    break;
                case CelParser.UintContext u when !ParseUnsigned(u.tok.Text[..^1]):
                    Error(u.tok, $"invalid uint literal '{u.tok.Text}'");
                    break;
            }
        }
        catch (Exception e) when (e is Cel.CelException or FormatException or ArgumentException)
        {
            Error(literal.Start, $"Syntax error: {e.Message}");
        }
    }

    private static bool ParseInteger(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) &&
                   hex <= (negative ? 9223372036854775808UL : long.MaxValue);
        }
        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) &&
               value <= (negative ? 9223372036854775808UL : long.MaxValue);
    }

    private static bool ParseUnsigned(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static IParseTree Unwrap(IParseTree tree)
    {
        while (true)
        {
            if (tree is CelParser.NestedContext nested) tree = nested.e;
            else if (tree.ChildCount == 1 && tree is not (CelParser.SelectContext or CelParser.IdentOrGlobalCallContext)) tree = tree.GetChild(0);
            else return tree;
        }
    }

    private static string Undeclared(string name) =>
        CelLibrary.KubernetesOnly.Contains(name)
            ? $"undeclared reference to '{name}' (in container ''): a function of Kubernetes' CEL libraries that the sandbox emulator does not implement"
            : $"undeclared reference to '{name}' (in container '')";

    private void Error(IToken at, string message) => Errors.Add((at, message));
}
