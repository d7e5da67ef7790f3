using System.Reflection;
using System.Reflection.Emit;
using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Architecture;

/// <summary>
/// The operator's folders (one namespace each: Decision, Probing, Reconciliation, ...) depend on each other in one
/// direction only, Hosting on top wiring them. A namespace uses another when one of its types names a type of the other
/// in a signature (base type, interface, field, property, parameter, return) or in a method body (the IL's type, field and
/// method tokens, so a static call counts too). Compiler-made types (closures, state machines) are nested in the type
/// they came from and count for its namespace.
/// </summary>
public sealed class NamespaceDependencyTests
{
    private const string Root = "ServerPower.Operator";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void Probing_and_Reconciliation_do_not_depend_on_each_other_both_ways()
    {
        var uses = Uses();
        Assert.True(uses["Reconciliation"].Contains("Probing"), "the reconciler asks the prober (the allowed direction)");
        Assert.False(uses["Probing"].Contains("Reconciliation"),
            $"Probing uses Reconciliation through: {string.Join(", ", Through("Probing", "Reconciliation"))}");
    }

    [Fact]
    public void The_operators_namespaces_have_no_cycle()
    {
        var uses = Uses();
        var cycles = Cycles(uses).Select(c => string.Join(" <-> ", c.Order())).ToList();
        Assert.True(cycles.Count == 0, $"namespaces that depend on each other: {string.Join("; ", cycles)}");
    }

    /// <summary>For each namespace under ServerPower.Operator (its first segment), the others it uses.</summary>
    private static Dictionary<string, HashSet<string>> Uses()
    {
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var (from, to, _) in Edges())
        {
            if (!uses.TryGetValue(from, out var set)) uses[from] = set = [];
            if (to != from) set.Add(to);
        }
        return uses;
    }

    private static IEnumerable<string> Through(string from, string to) =>
        Edges().Where(e => e.From == from && e.To == to).Select(e => e.Where).Distinct().Order().Take(10);

    private static IEnumerable<(string From, string To, string Where)> Edges()
    {
        var assembly = typeof(OperatorHost).Assembly;
        foreach (var type in assembly.GetTypes())
        {
            if (Area(type) is not { } from) continue;
            foreach (var used in Used(type))
            {
                if (used.Assembly == assembly && Area(used) is { } to) yield return (from, to, $"{type.Name} -> {used.Name}");
            }
        }
    }

    /// <summary>The first namespace segment under the root; null for the root itself (Program) and foreign types.</summary>
    private static string? Area(Type type)
    {
        var ns = type.Namespace ?? "";
        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal)) return null;
        return ns[(Root.Length + 1)..].Split('.')[0];
    }

    private static IEnumerable<Type> Used(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetFields(all).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
        var methods = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)).ToList();
        foreach (var method in methods)
        {
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo info) named.Add(info.ReturnType);
            named.AddRange(BodyTokens(type, method));
        }
        return named.OfType<Type>().SelectMany(Flatten);
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.HasElementType) return Flatten(type.GetElementType()!);
        if (type.IsGenericType) return new[] { type.GetGenericTypeDefinition() }.Concat(type.GetGenericArguments().SelectMany(Flatten));
        return [type];
    }

    /// <summary>The types a method body names: every type, field and method token of its IL, by their declaring type.</summary>
    private static IEnumerable<Type> BodyTokens(Type type, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            var size = OperandSize(code.OperandType, il, at);
            if (code.OperandType is OperandType.InlineType or OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok)
            {
                var used = Resolve(method.Module, BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                if (used is not null) yield return used;
            }
            at += size;
        }
    }

    private static Type? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
    {
        try
        {
            return module.ResolveMember(token, typeArguments, methodArguments) switch
            {
                Type t => t,
                MemberInfo m => m.DeclaringType,
                _ => null,
            };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    /// <summary>The strongly connected groups of more than one namespace (Tarjan).</summary>
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> uses)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var found = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in uses.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }
            if (low[node] != index[node]) return;
            var group = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                group.Add(member);
            }
            while (member != node);
            if (group.Count > 1) found.Add(group);
        }
        foreach (var node in uses.Keys.Order()) if (!index.ContainsKey(node)) Visit(node);
        return found;
    }
}
