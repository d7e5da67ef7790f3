using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Kubernetes.Storage;

namespace ServerPower.Sandbox.Kubernetes.Http;

/// <summary>
/// create, update, patch, delete and deletecollection with the real server's rules: optimistic concurrency on
/// metadata.resourceVersion, the status subresource split, generation on spec changes only (and when deletion starts),
/// finalizers, no-op writes that change nothing (no new resourceVersion, no event), managedFields manager entries.
/// </summary>
public sealed class ResourceWriter(EmulatorState state)
{
    private static readonly string[] SystemMetadata =
        ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"];

    private static readonly string[] CustomPatchTypes =
        ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

    private ObjectStore Store => state.Store;
    private string Now => ObjectMeta.Timestamp(state.Time);

    public ApiResult Create(ApiRequest r, JsonObject body, WriteOptions o)
    {
        if (r.Name.Length > 0 || r.Subresource.Length > 0 || (r.Type.Namespaced && r.Namespace.Length == 0))
        {
            throw KubeStatus.MethodNotAllowed();
        }
        lock (Store.Gate)
        {
            return CreateLocked(r, body, o, "Update");
        }
    }

    private ApiResult CreateLocked(ApiRequest r, JsonObject body, WriteOptions o, string operation)
    {
        var type = r.Type;
        CheckKind(type, body);
        var meta = ObjectMeta.Of(body);
        PlaceInNamespace(r, meta);
        if (type.Namespaced)
        {
            var nsObject = Store.Get(BuiltinResources.Namespaces.StorageKey, "", r.Namespace) ?? throw KubeStatus.NamespaceNotFound(r.Namespace);
            if (nsObject.Parse()["metadata"]?["deletionTimestamp"] is not null)
            {
                throw new KubeApiException(403, "Forbidden",
                    $"{type.QualifiedResource} \"{ObjectMeta.Name(body)}\" is forbidden: unable to create new content in namespace {r.Namespace} because it is being terminated",
                    KubeStatus.Details(ObjectMeta.Name(body), type.Group, type.Plural));
            }
        }
        var name = meta["name"]?.ToString() ?? "";
        if (name.Length == 0 && meta["generateName"]?.ToString() is { Length: > 0 } prefix)
        {
            do
            {
                name = prefix + RandomSuffix();
            }
            while (Store.Get(type.StorageKey, r.Namespace, name) is not null);
            meta["name"] = name;
        }
        if (name.Length == 0)
        {
            throw KubeStatus.Invalid(type, "", [new FieldError("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
        }
        if (Admission.ValidateName(name) is { } nameError)
        {
            throw KubeStatus.Invalid(type, name, [nameError]);
        }
        if (Store.Get(type.StorageKey, r.Namespace, name) is not null)
        {
            throw KubeStatus.AlreadyExists(type, name);
        }
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Now;
        foreach (var k in new[] { "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "managedFields", "selfLink" })
        {
            meta.Remove(k);
        }
        if (type.Behavior is ResourceBehavior.Custom or ResourceBehavior.CustomResourceDefinition)
        {
            meta["generation"] = 1;
        }
        if (type.IsCustom && type.HasStatus)
        {
            body.Remove("status");
        }
        var warnings = CheckUnknownFields(type, Admission.Admit(type, body, null, Now), o);
        ManagedFields.Record(meta, o.Manager, operation, type.ApiVersion, "", Now);
        if (o.DryRun)
        {
            meta["resourceVersion"] = "";
            return ApiResult.Json(201, body, warnings);
        }
        var stored = Store.Put(type.StorageKey, body);
        AfterWrite(type, body);
        return new ApiResult(201, state.Present(type, stored), warnings);
    }

    public ApiResult Update(ApiRequest r, JsonObject body, WriteOptions o)
    {
        if (r.Name.Length == 0)
        {
            throw KubeStatus.MethodNotAllowed();
        }
        var bodyName = ObjectMeta.Name(body);
        if (bodyName.Length > 0 && bodyName != r.Name)
        {
            throw KubeStatus.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({r.Name})");
        }
        lock (Store.Gate)
        {
            CheckKind(r.Type, body);
            PlaceInNamespace(r, ObjectMeta.Of(body));
            var current = Store.Get(r.Type.StorageKey, r.Namespace, r.Name) ?? throw KubeStatus.NotFound(r.Type, r.Name);
            var rv = ObjectMeta.ResourceVersion(body);
            if (rv.Length == 0 && r.Type.Behavior is ResourceBehavior.Custom or ResourceBehavior.CustomResourceDefinition)
            {
                throw KubeStatus.Invalid(r.Type, r.Name, [new FieldError("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")]);
            }
            if (rv.Length > 0 && rv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw KubeStatus.Conflict(r.Type, r.Name);
            }
            return Commit(r, current, body, o, 200, "Update");
        }
    }

    public ApiResult Patch(ApiRequest r, string? contentType, string rawBody, WriteOptions o)
    {
        if (r.Name.Length == 0)
        {
            throw KubeStatus.MethodNotAllowed();
        }
        var media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (media is not ("application/json-patch+json" or "application/merge-patch+json" or "application/apply-patch+yaml") &&
            !(media == "application/strategic-merge-patch+json" && !r.Type.IsCustom))
        {
            throw KubeStatus.UnsupportedMediaType(media, r.Type.IsCustom
                ? CustomPatchTypes
                : [.. CustomPatchTypes, "application/strategic-merge-patch+json"]);
        }
        var patch = ParseJson(media == "application/apply-patch+yaml" ? ApplyBodyAsJson(rawBody) : rawBody);
        if (media == "application/apply-patch+yaml" && o.FieldManager is null)
        {
            throw KubeStatus.BadRequest("PATCH /apply: fieldManager is required for apply requests");
        }
        lock (Store.Gate)
        {
            var current = Store.Get(r.Type.StorageKey, r.Namespace, r.Name);
            if (current is null)
            {
                if (media == "application/apply-patch+yaml" && r.Subresource.Length == 0 && patch is JsonObject applied)
                {
                    ObjectMeta.Of(applied)["name"] = r.Name;
                    return CreateLocked(r with { Name = "" }, applied, o, "Apply");
                }
                throw KubeStatus.NotFound(r.Type, r.Name);
            }
            var currentObject = state.PresentObject(r.Type, current);
            JsonObject patched = media switch
            {
                "application/json-patch+json" => JsonPatch.Apply(currentObject,
                    patch as JsonArray ?? throw KubeStatus.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")),
                "application/strategic-merge-patch+json" => StripDirectives(MergePatch.Apply(currentObject, patch)!.AsObject()),
                _ => MergePatch.Apply(currentObject, patch as JsonObject ?? throw KubeStatus.BadRequest("patch body must be a JSON object")) as JsonObject
                     ?? throw KubeStatus.BadRequest("patch result is not an object"),
            };
            var rv = ObjectMeta.ResourceVersion(patched);
            if (rv.Length > 0 && rv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw KubeStatus.Conflict(r.Type, r.Name);
            }
            if (ObjectMeta.Name(patched) != r.Name)
            {
                throw KubeStatus.BadRequest($"the name of the object ({ObjectMeta.Name(patched)}) does not match the name on the URL ({r.Name})");
            }
            return Commit(r, current, patched, o, 200, media == "application/apply-patch+yaml" ? "Apply" : "Update");
        }
    }

    public ApiResult Delete(ApiRequest r, JsonObject? options, WriteOptions o)
    {
        if (r.Subresource.Length > 0)
        {
            throw KubeStatus.MethodNotAllowed();
        }
        lock (Store.Gate)
        {
            var current = Store.Get(r.Type.StorageKey, r.Namespace, r.Name) ?? throw KubeStatus.NotFound(r.Type, r.Name);
            if (options?["preconditions"] is JsonObject pre)
            {
                var obj = current.Parse();
                if (pre["uid"]?.ToString() is { } uid && uid != obj["metadata"]?["uid"]?.ToString())
                {
                    throw KubeStatus.Conflict(r.Type, r.Name,
                        $"the UID in the precondition ({uid}) does not match the UID in record ({obj["metadata"]?["uid"]}). The object might have been deleted and then recreated");
                }
                if (pre["resourceVersion"]?.ToString() is { } prv && prv != current.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    throw KubeStatus.Conflict(r.Type, r.Name,
                        $"the ResourceVersion in the precondition ({prv}) does not match the ResourceVersion in record ({current.ResourceVersion}). The object might have been modified");
                }
            }
            var result = DeleteLocked(r.Type, current, o.DryRun);
            return ApiResult.Json(200, result);
        }
    }

    public ApiResult DeleteCollection(ApiRequest r, IQueryCollection query, WriteOptions o)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"], r.Type);
        lock (Store.Gate)
        {
            var victims = Store.List(r.Type.StorageKey, r.Namespace.Length > 0 ? r.Namespace : null)
                .Where(s => labels.Matches(s.Labels) && fields.Matches(s.Namespace, s.Name, fields.NeedsObject ? s.Parse : null))
                .ToList();
            var items = new JsonArray();
            foreach (var v in victims)
            {
                items.Add(DeleteLocked(r.Type, v, o.DryRun));
            }
            return ApiResult.Json(200, new JsonObject
            {
                ["kind"] = r.Type.ListKind,
                ["apiVersion"] = r.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Store.CurrentResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = items,
            });
        }
    }

    /// <summary>Shared by update and patch: applies the subresource split, system metadata, admission and generation, then stores.</summary>
    private ApiResult Commit(ApiRequest r, StoredObject currentStored, JsonObject candidate, WriteOptions o, int code, string operation)
    {
        var type = r.Type;
        var current = state.PresentObject(type, currentStored);
        JsonObject result;
        if (type.HasStatus && r.Subresource == "status")
        {
            result = current.DeepClone().AsObject();
            if (candidate["status"] is { } status) result["status"] = status.DeepClone();
            else result.Remove("status");
        }
        else
        {
            result = candidate;
            if (type.HasStatus)
            {
                if (current["status"] is { } status) result["status"] = status.DeepClone();
                else result.Remove("status");
            }
        }
        var meta = ObjectMeta.Of(result);
        var oldMeta = ObjectMeta.Of(current);
        foreach (var key in SystemMetadata)
        {
            if (oldMeta[key] is { } value) meta[key] = value.DeepClone();
            else meta.Remove(key);
        }
        meta.Remove("managedFields");
        if (oldMeta["managedFields"] is { } managedFields) meta["managedFields"] = managedFields.DeepClone();
        meta.Remove("selfLink");
        result["apiVersion"] = type.ApiVersion;
        result["kind"] = type.Kind;
        if (ObjectMeta.IsDeleting(current) && AddsFinalizer(current, result))
        {
            throw KubeStatus.Invalid(type, r.Name, [FieldError.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted")]);
        }
        var warnings = CheckUnknownFields(type, Admission.Admit(type, result, current, Now), o);
        if (type.Behavior is ResourceBehavior.Custom or ResourceBehavior.CustomResourceDefinition &&
            !JsonNode.DeepEquals(ObjectMeta.SpecPart(current, type.HasStatus), ObjectMeta.SpecPart(result, type.HasStatus)))
        {
            meta["generation"] = ObjectMeta.Generation(current) + 1;
        }
        meta["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
        if (JsonNode.DeepEquals(result, current))
        {
            return new ApiResult(code, state.Present(type, currentStored), warnings);
        }
        ManagedFields.Record(meta, o.Manager, operation, type.ApiVersion, r.Subresource, Now);
        if (o.DryRun)
        {
            return ApiResult.Json(code, result, warnings);
        }
        if (ObjectMeta.IsDeleting(result) && !ObjectMeta.HasFinalizers(result) && type.Behavior != ResourceBehavior.Namespace)
        {
            return ApiResult.Json(code, RemoveLocked(type, result), warnings);
        }
        var stored = Store.Put(type.StorageKey, result);
        AfterWrite(type, result);
        return new ApiResult(code, state.Present(type, stored), warnings);
    }

    /// <summary>Marks for deletion (finalizers pending) or removes; a namespace takes its content with it.</summary>
    private JsonObject DeleteLocked(ResourceType type, StoredObject stored, bool dryRun)
    {
        var obj = state.PresentObject(type, stored);
        var name = ObjectMeta.Name(obj);
        if (dryRun)
        {
            return obj;
        }
        if (type.Behavior == ResourceBehavior.Namespace)
        {
            DeleteNamespaceContent(name);
        }
        var pending = ObjectMeta.HasFinalizers(obj) ||
                      (type.Behavior == ResourceBehavior.Namespace && Store.CountInNamespace(name) > 0);
        if (!pending)
        {
            return RemoveLocked(type, obj);
        }
        if (ObjectMeta.IsDeleting(obj))
        {
            return obj;
        }
        var meta = ObjectMeta.Of(obj);
        // kube-apiserver's markAsDeleting: custom resources have no graceful deletion, so the generation is bumped
        // when the deletion timestamp is first set (for any object that has a generation).
        if (ObjectMeta.Generation(obj) > 0)
        {
            meta["generation"] = ObjectMeta.Generation(obj) + 1;
        }
        meta["deletionTimestamp"] = Now;
        meta["deletionGracePeriodSeconds"] = 0;
        if (type.Behavior == ResourceBehavior.Namespace)
        {
            Admission.Admit(type, obj, null, Now);
        }
        var updated = Store.Put(type.StorageKey, obj);
        return state.PresentObject(type, updated);
    }

    private void DeleteNamespaceContent(string ns)
    {
        foreach (var key in Store.StorageKeys.ToList())
        {
            var slash = key.IndexOf('/');
            var type = state.Registry.FindAnyVersion(key[..slash], key[(slash + 1)..]);
            if (type is null || !type.Namespaced)
            {
                continue;
            }
            foreach (var o in Store.List(key, ns).ToList())
            {
                DeleteLocked(type, o, dryRun: false);
            }
        }
    }

    private JsonObject RemoveLocked(ResourceType type, JsonObject obj)
    {
        if (type.Behavior == ResourceBehavior.CustomResourceDefinition)
        {
            RemoveCustomResources(obj);
        }
        var removed = Store.Remove(type.StorageKey, obj).Parse();
        if (type.Namespaced)
        {
            var ns = removed["metadata"]?["namespace"]?.ToString() ?? "";
            var nsStored = Store.Get(BuiltinResources.Namespaces.StorageKey, "", ns);
            if (nsStored is not null && Store.CountInNamespace(ns) == 0 && ObjectMeta.IsDeleting(nsStored.Parse()))
            {
                Store.Remove(BuiltinResources.Namespaces.StorageKey, nsStored.Parse());
            }
        }
        return removed;
    }

    /// <summary>Deleting a CRD removes all its objects at once (finalizers of those objects are not waited for).</summary>
    private void RemoveCustomResources(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var key = $"{spec["group"]}/{spec["names"]!["plural"]}";
        foreach (var o in Store.List(key, null).ToList())
        {
            Store.Remove(key, o.Parse());
        }
        Store.CloseWatchers(key);
        state.Registry.RemoveCrd(ObjectMeta.Name(crd));
    }

    private void AfterWrite(ResourceType type, JsonObject obj)
    {
        if (type.Behavior == ResourceBehavior.CustomResourceDefinition)
        {
            state.Registry.SetCrd(ObjectMeta.Name(obj), CrdInstaller.TypesOf(obj));
        }
    }

    private static bool AddsFinalizer(JsonObject current, JsonObject result)
    {
        var before = (current["metadata"]?["finalizers"] as JsonArray)?.Select(f => f?.ToString()).ToHashSet() ?? [];
        return (result["metadata"]?["finalizers"] as JsonArray)?.Any(f => !before.Contains(f?.ToString())) == true;
    }

    private static void PlaceInNamespace(ApiRequest r, JsonObject meta)
    {
        if (!r.Type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }
        if (meta["namespace"]?.ToString() is { Length: > 0 } given && given != r.Namespace)
        {
            throw KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        meta["namespace"] = r.Namespace;
    }

    private static void CheckKind(ResourceType type, JsonObject body)
    {
        var apiVersion = body["apiVersion"]?.ToString();
        var kind = body["kind"]?.ToString();
        if (apiVersion is { Length: > 0 } && apiVersion != type.ApiVersion)
        {
            throw KubeStatus.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }
        if (kind is { Length: > 0 } && kind != type.Kind)
        {
            throw KubeStatus.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
    }

    private static List<string> CheckUnknownFields(ResourceType type, List<string> dropped, WriteOptions o)
    {
        if (dropped.Count == 0 || o.FieldValidation == "Ignore")
        {
            return [];
        }
        var texts = dropped.Select(d => $"unknown field \"{d}\"").ToList();
        if (o.FieldValidation == "Strict")
        {
            throw KubeStatus.BadRequest(
                $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", texts)}");
        }
        return texts;
    }

    private static JsonObject StripDirectives(JsonObject obj)
    {
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if (key.StartsWith('$'))
            {
                obj.Remove(key);
            }
            else if (obj[key] is JsonObject child)
            {
                StripDirectives(child);
            }
        }
        return obj;
    }

    private static string ApplyBodyAsJson(string raw)
    {
        var trimmed = raw.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            return raw;
        }
        var docs = YamlJson.ParseDocuments(raw);
        return docs.Count == 1 ? docs[0].ToJsonString() : throw KubeStatus.BadRequest("apply patch must hold one object");
    }

    public static JsonNode ParseJson(string raw)
    {
        try
        {
            return JsonNode.Parse(raw) ?? throw KubeStatus.BadRequest("empty body");
        }
        catch (JsonException e)
        {
            throw KubeStatus.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }
}
