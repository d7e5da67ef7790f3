using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Schema;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>Per-kind preparation of an object before it is stored: pruning, defaults, validation, derived fields.</summary>
public static partial class Admission
{
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    public static FieldError? ValidateName(string name)
    {
        if (name.Length > 253)
        {
            return FieldError.Invalid("metadata.name", name, "must be no more than 253 characters");
        }
        return Dns1123Subdomain().IsMatch(name)
            ? null
            : FieldError.Invalid("metadata.name", name,
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }

    /// <summary>Returns the paths of fields dropped as unknown (for fieldValidation).</summary>
    public static List<string> Admit(ResourceType type, JsonObject obj, JsonObject? previous, string now)
    {
        var name = obj["metadata"]?["name"]?.ToString() ?? "";
        switch (type.Behavior)
        {
            case ResourceBehavior.Custom when type.Schema is not null:
                var dropped = SchemaPruner.PruneRoot(obj, type.Schema);
                SchemaDefaulter.ApplyRoot(obj, type.Schema);
                var errors = SchemaValidator.ValidateRoot(obj, type.Schema);
                CelValidator.Validate(type.Rules, obj, previous, errors);
                if (errors.Count > 0)
                {
                    throw KubeStatus.Invalid(type, name, errors);
                }
                return dropped;
            case ResourceBehavior.Secret:
                AdmitSecret(obj);
                break;
            case ResourceBehavior.Namespace:
                var status = obj["status"] as JsonObject ?? new JsonObject();
                status["phase"] = obj["metadata"]?["deletionTimestamp"] is null ? "Active" : "Terminating";
                obj["status"] = status;
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                break;
            case ResourceBehavior.CustomResourceDefinition:
                CrdInstaller.Admit(obj, previous, now);
                break;
        }
        return [];
    }

    private static void AdmitSecret(JsonObject obj)
    {
        if (string.IsNullOrEmpty(obj["type"]?.ToString()))
        {
            obj["type"] = "Opaque";
        }
        if (obj["stringData"] is JsonObject stringData)
        {
            var data = obj["data"] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
            }
            obj["data"] = data;
            obj.Remove("stringData");
        }
        if (obj["data"] is JsonObject d)
        {
            foreach (var (key, value) in d)
            {
                try
                {
                    Convert.FromBase64String(value?.ToString() ?? "");
                }
                catch (FormatException)
                {
                    throw KubeStatus.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0 (data[{key}])");
                }
            }
        }
    }
}
