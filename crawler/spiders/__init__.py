"""Spiders of the nianjian Scrapy project."""
