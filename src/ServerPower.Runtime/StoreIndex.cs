namespace ServerPower.Runtime;

/// <summary>A secondary index of a kind's cache: each object is filed under the values <see cref="Values"/> returns.</summary>
public sealed record StoreIndex<T>(string Name, Func<T, IEnumerable<string>> Values);
