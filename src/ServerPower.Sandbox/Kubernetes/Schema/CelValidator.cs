using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cel;
using ServerPower.Sandbox.Kubernetes.Api;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// Evaluates a CRD's compiled x-kubernetes-validations on a write, like kube-apiserver: not at all when the
/// schema validation found a blocking error (it says so instead); rules on null values are skipped; transition
/// rules (those reading oldSelf) run only on update and only where the old object has a value at the same place
/// (object fields, map entries, items of x-kubernetes-list-type: map lists by key). A false rule gives
/// <c>spec: Invalid value: "object": &lt;message&gt;</c> (or its reason's shape, at its fieldPath); a rule that
/// fails to evaluate refuses the write as well, naming the error and the rule.
/// </summary>
public static partial class CelValidator
{
    private const string NotChecked =
        "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

    private static readonly HashSet<string> Blocking =
        ["FieldValueNotSupported", "FieldValueRequired", "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid"];

    public static void Validate(CelRuleNode? rules, JsonObject obj, JsonObject? old, List<FieldError> errors)
    {
        if (rules is null)
        {
            return;
        }
        if (errors.Any(e => Blocking.Contains(e.Reason)))
        {
            errors.Add(new FieldError("<nil>", "FieldValueInvalid", $"Invalid value: \"null\": {NotChecked}"));
            return;
        }
        Walk(rules, obj, old, "", root: true, errors);
    }

    private static void Walk(CelRuleNode node, JsonNode? value, JsonNode? old, string path, bool root, List<FieldError> errors)
    {
        if (value is null)
        {
            return;
        }
        if (node.Rules.Count > 0)
        {
            var self = root ? CelValues.FromRoot((JsonObject)value, node.Schema) : CelValues.From(value, node.Schema);
            var oldSelf = old is null ? null : root && old is JsonObject o ? CelValues.FromRoot(o, node.Schema) : CelValues.From(old, node.Schema);
            var type = node.Schema["type"]?.ToString() ?? "";
            foreach (var rule in node.Rules.Where(r => old is not null || !r.Program.UsesOldSelf))
            {
                if (Evaluate(rule, self, old is null ? null : oldSelf, type, path) is { } error)
                {
                    errors.Add(error);
                }
            }
        }
        switch (value)
        {
            case JsonObject obj:
                var isMap = node.Schema["additionalProperties"] is JsonObject;
                foreach (var (key, child) in obj)
                {
                    var childNode = isMap ? node.AdditionalProperties : node.Properties.GetValueOrDefault(key);
                    if (childNode is not null)
                    {
                        var oldChild = (old as JsonObject)?[key];
                        Walk(childNode, child, oldChild, isMap ? $"{path}[{key}]" : Join(path, key), root: false, errors);
                    }
                }
                break;
            case JsonArray array when node.Items is not null:
                var oldItems = node.MapKeys.Count > 0 ? old as JsonArray : null;
                for (var i = 0; i < array.Count; i++)
                {
                    var oldItem = oldItems?.FirstOrDefault(o => node.MapKeys.All(k => JsonNode.DeepEquals(o?[k], array[i]?[k])));
                    Walk(node.Items, array[i], oldItem, $"{path}[{i}]", root: false, errors);
                }
                break;
        }
    }

    private static FieldError? Evaluate(CelRule rule, object? self, object? oldSelf, string type, string path)
    {
        var variables = new Dictionary<string, object?> { ["self"] = self };
        if (oldSelf is not null)
        {
            variables["oldSelf"] = oldSelf;
        }
        object? result;
        try
        {
            result = rule.Program.Run(variables);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Invalid(path, type, EvaluationError(e, rule));
        }
        if (result is true)
        {
            return null;
        }
        if (result is not false)
        {
            return Invalid(path, type, $"rule evaluated to {Describe(result)}, not a bool, evaluating rule: {rule.ErrorString}");
        }
        var message = MessageFromExpression(rule, variables) ?? rule.MessageOrDefault;
        var field = rule.FieldPath is null ? path : rule.FieldPath.StartsWith('[') ? path + rule.FieldPath : Join(path, rule.FieldPath);
        return rule.Reason switch
        {
            "FieldValueForbidden" => new FieldError(Field(field), "FieldValueForbidden", $"Forbidden: {message}"),
            "FieldValueRequired" => new FieldError(Field(field), "FieldValueRequired", $"Required value: {message}"),
            "FieldValueDuplicate" => new FieldError(Field(field), "FieldValueDuplicate", $"Duplicate value: \"{type}\""),
            _ => Invalid(field, type, message),
        };
    }

    /// <summary>The messageExpression's text, or null (use the message) when it fails or gives no usable string.</summary>
    private static string? MessageFromExpression(CelRule rule, Dictionary<string, object?> variables)
    {
        if (rule.MessageExpression is null)
        {
            return null;
        }
        try
        {
            return rule.MessageExpression.Run(variables) is string text && text.Trim().Length > 0 && !text.Contains('\n') ? text : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// cel-go's wording where the package's exception has a counterpart. The package wraps an error inside
    /// <c>||</c> and <c>&amp;&amp;</c>, and passes an absent field to functions as a marker, so the whole chain is read.
    /// </summary>
    private static string EvaluationError(Exception e, CelRule rule)
    {
        var chain = new List<Exception>();
        for (var x = e; x is not null; x = x.InnerException) chain.Add(x);
        if (chain.OfType<CelNoSuchFieldException>().FirstOrDefault() is { } missing)
        {
            var key = SelectedField().Match(missing.Message) is { Success: true } m ? $": {m.Groups[1].Value}" : "";
            return $"no such key{key} evaluating rule: {rule.ErrorString}";
        }
        if (chain.Any(x => x.Message.Contains("CelNoSuchField", StringComparison.Ordinal)))
        {
            return $"no such key evaluating rule: {rule.ErrorString}";
        }
        var cause = chain[^1];
        return cause switch
        {
            CelNoSuchOverloadException or CelUnboundFunctionException or InvalidCastException =>
                $"'no such overload: {cause.Message}': call arguments did not match a supported operator, function or macro signature for rule: {rule.ErrorString}",
            CelDivideByZeroException => $"division by zero evaluating rule: {rule.ErrorString}",
            CelModulusByZeroException => $"modulus by zero evaluating rule: {rule.ErrorString}",
            RegexMatchTimeoutException => $"regular expression timed out evaluating rule: {rule.ErrorString}",
            _ => $"{cause.Message.TrimEnd('.')} evaluating rule: {rule.ErrorString}",
        };
    }

    [GeneratedRegex("select field '([^']*)'")]
    private static partial Regex SelectedField();

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string => "a string",
        _ => value.GetType().Name,
    };

    private static FieldError Invalid(string path, string type, string detail) =>
        new(Field(path), "FieldValueInvalid", $"Invalid value: \"{type}\": {detail}");

    /// <summary>A rule on the root has no field path: field.Path prints nil as &lt;nil&gt;.</summary>
    private static string Field(string path) => path.Length == 0 ? "<nil>" : path;

    private static string Join(string path, string child) => path.Length == 0 ? child : $"{path}.{child}";
}
