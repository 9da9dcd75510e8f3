"""The peer for `bench images`: decode + random left-right flip + random crop with PIL and torchvision, as a PyTorch
user writes it (a Dataset, a DataLoader with worker processes, batches of 64). Prints `images_per_s <n>`, from
creating the DataLoader (its workers' start-up included, as the pipeline's is on our side) to the last batch.
Usage: /usr/bin/python3 bench/images_peer.py FILE_LIST CROP WORKERS"""
import sys
import time

import torch
import torchvision.transforms as T
from PIL import Image
from torch.utils.data import DataLoader, Dataset


class Files(Dataset):
    def __init__(self, files, crop):
        self.files = files
        self.transform = T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(crop), T.PILToTensor()])

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as image:
            return self.transform(image.convert("RGB"))


def main():
    files = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    crop, workers = int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(1)
    start = time.perf_counter()
    loader = DataLoader(Files(files, crop), batch_size=64, num_workers=workers)
    count = sum(batch.shape[0] for batch in loader)
    print(f"images_per_s {count / (time.perf_counter() - start):.1f}")


if __name__ == "__main__":
    main()
