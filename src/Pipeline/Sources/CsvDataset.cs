using System.Globalization;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline;

/// <summary>The column layout MakeCsvDataset decided on: names, dtypes and defaults.</summary>
sealed record CsvSchema(string[] Names, ScalarType[] Types, double?[] Defaults, int LabelIndex, int[] Selected);

/// <summary>The rows of CSV files as numbers, one double per column (parsed and checked against the schema).</summary>
sealed class CsvRowsDataset(string[] files, string pattern, CsvSchema schema, bool header, char delimiter) : Dataset<double[]>
{
    readonly PlanStep _step = new PlanStep("CsvDataset", StepKind.Source, StepTraits.Expensive).With("pattern", $"'{pattern}'", positional: true);

    public override PlanStep Step => _step;

    protected override IEnumerable<double[]> Iterate(IterationContext context)
    {
        foreach (var file in files)
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            var lineNumber = 0;
            if (header) { reader.ReadLine(); lineNumber++; }
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                context.CancellationToken.ThrowIfCancellationRequested();
                if (line.Length == 0) continue;
                var fields = Csv.Split(line, delimiter);
                if (fields.Count != schema.Names.Length)
                    throw new InvalidDataException($"MakeCsvDataset: '{file}' line {lineNumber} has {fields.Count} fields, expected {schema.Names.Length} ({string.Join(", ", schema.Names)}).");
                var row = new double[schema.Names.Length];
                for (var c = 0; c < row.Length; c++)
                {
                    var text = fields[c].Trim();
                    if (text.Length == 0)
                    {
                        row[c] = schema.Defaults[c] ?? throw new InvalidDataException($"MakeCsvDataset: '{file}' line {lineNumber} has no value for column '{schema.Names[c]}' and the column has no default; pass columnDefaults.");
                        continue;
                    }
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]))
                        throw new InvalidDataException($"MakeCsvDataset: '{file}' line {lineNumber}, column '{schema.Names[c]}': '{text}' is not a number (expected {schema.Types[c]}).");
                }
                yield return row;
            }
        }
    }
}

/// <summary>CSV field splitting (RFC 4180 quotes) and schema inference.</summary>
static class Csv
{
    internal static List<string> Split(string line, char delimiter)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter) { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    internal static CsvSchema InferSchema(string file, string[]? columnNames, object[]? columnDefaults, string? labelName, string[]? selectColumns, bool header, char delimiter)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        string[] names;
        if (header)
        {
            var first = reader.ReadLine() ?? throw new InvalidDataException($"MakeCsvDataset: '{file}' is empty; expected a header line.");
            names = columnNames ?? [.. Split(first, delimiter).Select(n => n.Trim())];
        }
        else names = columnNames ?? throw new ArgumentException("MakeCsvDataset: columnNames is required when header is false.", nameof(columnNames));
        if (columnDefaults is not null && columnDefaults.Length != names.Length)
            throw new ArgumentException($"MakeCsvDataset: columnDefaults has {columnDefaults.Length} entries but there are {names.Length} columns ({string.Join(", ", names)}).", nameof(columnDefaults));
        var labelIndex = labelName is null ? -1 : Array.IndexOf(names, labelName);
        if (labelName is not null && labelIndex < 0)
            throw new ArgumentException($"MakeCsvDataset: label column '{labelName}' is not among the columns [{string.Join(", ", names)}].", nameof(labelName));
        var types = new ScalarType[names.Length];
        var defaults = new double?[names.Length];
        var integral = Enumerable.Repeat(true, names.Length).ToArray();
        // Like TF: a column is int when the first rows only hold integers, float otherwise.
        for (var row = 0; row < 100 && reader.ReadLine() is { } line; row++)
        {
            var fields = Split(line, delimiter);
            for (var c = 0; c < Math.Min(fields.Count, names.Length); c++)
            {
                var t = fields[c].Trim();
                if (t.Length > 0 && !long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) integral[c] = false;
            }
        }
        for (var c = 0; c < names.Length; c++)
        {
            var given = columnDefaults?[c];
            (types[c], defaults[c]) = given switch
            {
                null => (integral[c] ? ScalarType.Int32 : ScalarType.Float32, (double?)null),
                int i => (ScalarType.Int32, i),
                long l => (ScalarType.Int64, l),
                float f => (ScalarType.Float32, f),
                double d => (ScalarType.Float64, d),
                Type t when t == typeof(int) => (ScalarType.Int32, null),
                Type t when t == typeof(long) => (ScalarType.Int64, null),
                Type t when t == typeof(float) => (ScalarType.Float32, null),
                Type t when t == typeof(double) => (ScalarType.Float64, null),
                _ => throw new ArgumentException($"MakeCsvDataset: the default for column '{names[c]}' is a {given.GetType().Name}; expected int, long, float, double or one of those types (string columns are not supported: TorchSharp has no string tensors; leave them out with selectColumns).", nameof(columnDefaults)),
            };
        }
        int[] selected;
        if (selectColumns is null) selected = [.. Enumerable.Range(0, names.Length)];
        else
        {
            selected = [.. selectColumns.Select(s => Array.IndexOf(names, s) is var i and >= 0 ? i : throw new ArgumentException($"MakeCsvDataset: selected column '{s}' is not among the columns [{string.Join(", ", names)}].", nameof(selectColumns)))];
            if (labelIndex >= 0 && !selected.Contains(labelIndex)) selected = [.. selected, labelIndex];
        }
        return new CsvSchema(names, types, defaults, labelIndex, selected);
    }

    internal static Dictionary<string, Tensor> CollateFeatures(IReadOnlyList<double[]> rows, CsvSchema schema) => Collate(rows, schema).Item1;

    internal static (Dictionary<string, Tensor>, Tensor) Collate(IReadOnlyList<double[]> rows, CsvSchema schema)
    {
        Tensor Column(int c)
        {
            var values = new double[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = rows[i][c];
            using var t = torch.tensor(values);
            return t.to(schema.Types[c]);
        }
        var features = new Dictionary<string, Tensor>();
        foreach (var c in schema.Selected)
            if (c != schema.LabelIndex) features[schema.Names[c]] = Column(c);
        return (features, schema.LabelIndex >= 0 ? Column(schema.LabelIndex) : null!);
    }
}
