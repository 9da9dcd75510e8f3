namespace Pipeline;

/// <summary>Validates file lists given to file-based sources and formats them for the plan.</summary>
static class FileNames
{
    internal static string[] Check(IEnumerable<string> files, string source)
    {
        ArgumentNullException.ThrowIfNull(files);
        var list = files.ToArray();
        if (list.Length == 0) throw new ArgumentException($"{source}: no files given.", nameof(files));
        for (var i = 0; i < list.Length; i++)
            if (string.IsNullOrWhiteSpace(list[i])) throw new ArgumentException($"{source}: file name {i} is empty.", nameof(files));
        return list;
    }

    internal static string Describe(string[] files) => files.Length == 1 ? $"'{files[0]}'" : $"{files.Length} files";
}
