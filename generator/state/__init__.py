"""What is kept between runs to save time (the cache folder, check records), and nothing else."""
