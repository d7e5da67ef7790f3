using System.Text;

namespace ServerPower.KubectlPower;

/// <summary>Columns padded to their widest cell and three spaces apart, as kubectl prints tables.</summary>
public static class Table
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string indent = "")
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => Cell(r, i).Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder(indent);
            for (var i = 0; i < headers.Count; i++)
            {
                var cell = Cell(row, i);
                line.Append(i == headers.Count - 1 ? cell : cell.PadRight(widths[i] + 3));
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }

    private static string Cell(IReadOnlyList<string> row, int i) => i < row.Count && row[i].Length > 0 ? row[i] : "";
}
