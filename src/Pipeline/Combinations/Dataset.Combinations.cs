namespace Pipeline;

public static partial class Dataset
{
    /// <summary><c>tf.data.Dataset.zip((a, b))</c>: pairs the i-th elements; ends with the shorter dataset.</summary>
    public static Dataset<(T1, T2)> Zip<T1, T2>(this Dataset<T1> first, Dataset<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new ZipDataset<T1, T2>(first, second);
    }

    /// <summary><c>dataset.concatenate(other)</c>: all elements of <paramref name="first"/>, then all of <paramref name="second"/>.</summary>
    public static Dataset<T> Concatenate<T>(this Dataset<T> first, Dataset<T> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new ConcatenateDataset<T>(first, second);
    }

    /// <summary>
    /// <c>tf.data.Dataset.sample_from_datasets</c>: each element comes from a dataset drawn at random with the given
    /// <paramref name="weights"/> (uniform when null).
    /// </summary>
    /// <param name="datasets">The datasets to draw from.</param>
    /// <param name="weights">Relative probabilities, one per dataset, not negative.</param>
    /// <param name="seed">Makes the draws reproducible (each iteration still draws anew); null follows <see cref="RandomSeed"/>.</param>
    /// <param name="stopOnEmptyDataset">Stop at the first exhausted dataset; false (default) keeps drawing from the others.</param>
    public static Dataset<T> SampleFromDatasets<T>(IReadOnlyList<Dataset<T>> datasets, IReadOnlyList<double>? weights = null, long? seed = null, bool stopOnEmptyDataset = false)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        if (datasets.Count == 0) throw new ArgumentException("SampleFromDatasets: no datasets given.", nameof(datasets));
        var w = weights?.ToArray() ?? [.. Enumerable.Repeat(1.0 / datasets.Count, datasets.Count)];
        if (w.Length != datasets.Count)
            throw new ArgumentException($"SampleFromDatasets: {w.Length} weights for {datasets.Count} datasets; give one weight per dataset.", nameof(weights));
        if (w.Any(x => x < 0 || double.IsNaN(x)) || w.Sum() <= 0)
            throw new ArgumentException($"SampleFromDatasets: weights must be non-negative with a positive sum, but were [{string.Join(", ", w)}].", nameof(weights));
        return new SampleDataset<T>([.. datasets], w, seed, stopOnEmptyDataset);
    }

    /// <summary>
    /// <c>tf.data.Dataset.choose_from_datasets</c>: the i-th element of <paramref name="choiceDataset"/> says which dataset
    /// the i-th output comes from.
    /// </summary>
    /// <param name="datasets">The datasets to take from.</param>
    /// <param name="choiceDataset">Indices into <paramref name="datasets"/>.</param>
    /// <param name="stopOnEmptyDataset">Stop when a chosen dataset is exhausted (default, as TF); false skips such choices.</param>
    public static Dataset<T> ChooseFromDatasets<T>(IReadOnlyList<Dataset<T>> datasets, Dataset<long> choiceDataset, bool stopOnEmptyDataset = true)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(choiceDataset);
        if (datasets.Count == 0) throw new ArgumentException("ChooseFromDatasets: no datasets given.", nameof(datasets));
        return new ChooseDataset<T>([.. datasets], choiceDataset, stopOnEmptyDataset);
    }
}
