namespace Pipeline;

/// <summary><c>ChooseFromDatasets</c>: the choice dataset says, element by element, which dataset to take the next element from.</summary>
sealed class ChooseDataset<T>(Dataset<T>[] datasets, Dataset<long> choices, bool stopOnEmptyDataset) : Dataset<T>, ICombination
{
    PlanStep? _step;

    public IReadOnlyList<IDataset> Branches => [.. datasets, choices];

    public override PlanStep Step => _step ??= CreateStep();

    PlanStep CreateStep()
    {
        var step = new PlanStep("ChooseFromDatasets", StepKind.Combine)
            .With("datasets", "[" + string.Join(", ", datasets.Select(d => d.ToString())) + "]", positional: true)
            .With("choiceDataset", choices.ToString());
        if (!stopOnEmptyDataset) step.With("stopOnEmptyDataset", false);
        return step.WithBranches(datasets.Select(d => d.Plan).Append(choices.Plan));
    }

    protected override IEnumerable<T> Iterate(IterationContext context)
    {
        var enumerators = datasets.Select(d => d.Read(context).GetEnumerator()).ToArray();
        var done = new bool[enumerators.Length];
        var stage = Step.Name;
        try
        {
            long index = 0;
            foreach (var choice in choices.Read(context))
            {
                if (choice < 0 || choice >= enumerators.Length)
                    throw new DatasetException(stage, index, new ArgumentOutOfRangeException(nameof(choices), choice, $"choice {choice} is not an index into the {enumerators.Length} datasets (expected 0..{enumerators.Length - 1})."));
                index++;
                if (done[choice]) continue;
                if (enumerators[choice].MoveNext())
                {
                    yield return enumerators[choice].Current;
                    continue;
                }
                if (stopOnEmptyDataset) yield break;
                done[choice] = true;
            }
        }
        finally
        {
            foreach (var e in enumerators) e.Dispose();
        }
    }
}
