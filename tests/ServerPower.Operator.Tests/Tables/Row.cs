namespace ServerPower.Operator.Tests.Tables;

/// <summary>
/// One row of a rule's table, in the shape of crossplane-runtime's test cases (reason, args, want): why the row holds
/// (the test's display name), the case it builds and runs, and what must be true of the result.
/// </summary>
public sealed record Row<T>(string Reason, Func<T> Given, Action<T> Want)
{
    public void Run() => Want(Given());

    public override string ToString() => Reason;
}

/// <summary>A row whose case runs asynchronously (a reconcile, a write retried on a clock); its want may act again (a second reconcile).</summary>
public sealed record AsyncRow<T>(string Reason, Func<Task<T>> Given, Func<T, Task> Want)
{
    /// <summary>A row whose want only asserts.</summary>
    public AsyncRow(string reason, Func<Task<T>> given, Action<T> want) : this(reason, given, t =>
    {
        want(t);
        return Task.CompletedTask;
    })
    {
    }

    public async Task RunAsync() => await Want(await Given());

    public override string ToString() => Reason;
}

/// <summary>Turns rows into theory data named by their reasons, so a failure names the rule's row that broke.</summary>
public static class Table
{
    public static IEnumerable<TheoryDataRow<Row<T>>> Of<T>(params IEnumerable<Row<T>> rows) => Named(rows, r => r.Reason);

    public static IEnumerable<TheoryDataRow<AsyncRow<T>>> OfAsync<T>(params IEnumerable<AsyncRow<T>> rows) => Named(rows, r => r.Reason);

    private static IEnumerable<TheoryDataRow<TRow>> Named<TRow>(IEnumerable<TRow> rows, Func<TRow, string> reason)
    {
        var list = rows.ToList();
        var repeated = list.GroupBy(reason).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"two rows share the reason '{repeated.Key}'", nameof(rows));
        return list.Select(r => new TheoryDataRow<TRow>(r) { TestDisplayName = reason(r) });
    }
}
