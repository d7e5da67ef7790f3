using System.Collections;
using Cel;

namespace ServerPower.Sandbox.Kubernetes.Schema;

/// <summary>
/// The CEL environment the emulator evaluates x-kubernetes-validations with (the <c>Cel</c> package), plus the
/// names a rule may call. The package resolves functions only while evaluating, so <see cref="CelRuleChecker"/>
/// checks every call against these tables when a CRD is admitted: a name outside them refuses the CRD.
/// </summary>
public static class CelLibrary
{
    /// <summary>Shared by every emulator: compiled programs keep no per-call state.</summary>
    public static CelEnvironment Environment { get; } = Create();

    /// <summary>Functions called as <c>f(x, ...)</c>, with the argument counts they accept.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> GlobalFunctions = new Dictionary<string, int[]>
    {
        ["has"] = [1], ["size"] = [1], ["matches"] = [2], ["type"] = [1], ["dyn"] = [1],
        ["int"] = [1], ["uint"] = [1], ["double"] = [1], ["string"] = [1], ["bool"] = [1], ["bytes"] = [1],
        ["duration"] = [1], ["timestamp"] = [1],
    };

    /// <summary>Functions called as <c>x.f(...)</c>, with the argument counts (receiver excluded) they accept.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> MemberFunctions = new Dictionary<string, int[]>
    {
        ["size"] = [0], ["contains"] = [1], ["startsWith"] = [1], ["endsWith"] = [1], ["matches"] = [1],
        ["getDate"] = [0, 1], ["getDayOfMonth"] = [0, 1], ["getDayOfWeek"] = [0, 1], ["getDayOfYear"] = [0, 1],
        ["getFullYear"] = [0, 1], ["getHours"] = [0, 1], ["getMilliseconds"] = [0, 1], ["getMinutes"] = [0, 1],
        ["getMonth"] = [0, 1], ["getSeconds"] = [0, 1],
        // Kubernetes' strings and regex libraries, implemented in CelStringLibrary.
        ["lowerAscii"] = [0], ["upperAscii"] = [0], ["trim"] = [0], ["charAt"] = [1], ["indexOf"] = [1, 2],
        ["lastIndexOf"] = [1, 2], ["substring"] = [1, 2], ["replace"] = [2, 3], ["split"] = [1, 2], ["join"] = [0, 1],
        ["find"] = [1], ["findAll"] = [1, 2],
    };

    /// <summary>Macros: <c>list.all(x, predicate)</c> and friends bind their first argument in the second.</summary>
    public static readonly IReadOnlySet<string> Macros = new HashSet<string> { "all", "exists", "exists_one", "map", "filter" };

    /// <summary>Names Kubernetes' CEL libraries add that the emulator does not implement; named in the refusal.</summary>
    public static readonly IReadOnlySet<string> KubernetesOnly = new HashSet<string>
    {
        "isURL", "url", "getScheme", "getHost", "getHostname", "getPort", "getEscapedPath", "getQuery",
        "quantity", "isQuantity", "sign", "isInteger", "asInteger", "asApproximateFloat", "add", "sub", "compareTo",
        "isGreaterThan", "isLessThan", "ip", "isIP", "cidr", "isCIDR", "containsIP", "containsCIDR", "family",
        "isUnspecified", "isLoopback", "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast", "prefixLength",
        "masked", "semver", "isSemver", "major", "minor", "patch", "isSorted", "sum", "min", "max", "reverse",
        "distinct", "flatten", "slice", "sort", "sortBy", "format", "quote", "optional", "hasValue", "value", "orValue",
        "or", "sets", "base64", "strings", "lists", "math", "transformList", "transformMap", "transformMapEntry",
    };

    private static CelEnvironment Create()
    {
        var env = new CelEnvironment(null, null);
        // Registered functions take precedence over the package's own of the same name.
        env.RegisterFunction("has", [typeof(object)], args => args[0] is not { } v || v.GetType().Name != "CelNoSuchField");
        env.RegisterFunction("size", [typeof(string)], args => (long)((string)args[0]!).EnumerateRunes().Count());
        env.RegisterFunction("size", [typeof(IList)], args => (long)((IList)args[0]!).Count);
        env.RegisterFunction("size", [typeof(IDictionary)], args => (long)((IDictionary)args[0]!).Count);
        env.RegisterFunction("matches", [typeof(string), typeof(string)], args => CelStringLibrary.Matches((string)args[0]!, (string)args[1]!));
        CelStringLibrary.Register(env);
        return env;
    }
}
