namespace Pipeline;

/// <summary>A source built from other datasets (SampleFromDatasets, ChooseFromDatasets): the lint checks its branches too.</summary>
interface ICombination
{
    IReadOnlyList<IDataset> Branches { get; }
}
