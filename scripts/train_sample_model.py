"""Train the small model that ships inside the package (notebook 05g) and save it.

    python scripts/train_sample_model.py            # writes sentiment_nb/data/sample_model/, if it is not there
    python scripts/train_sample_model.py --overwrite # replace the shipped one

Float32, random seed 42, the shipped sample: under a minute on 2 cores.
"""
import argparse

from sentiment_nb.sample_model import sample_model_dir, train_sample_model

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(sample_model_dir()), help="directory to write (default: inside the package)")
    parser.add_argument("--overwrite", action="store_true", help="replace the directory if it exists")
    args = parser.parse_args()
    train_sample_model(args.out, overwrite=args.overwrite)
